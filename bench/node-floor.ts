import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { spawnBundle } from "./bundle-process.js";
import { untilHealthy } from "./cold-start.js";
import { sleep } from "./pool.js";
import { procMemory, type ProcMemory } from "./proc-stats.js";

export interface NodeFloor {
  /** Spawn to the first 200, each sample. */
  readyMs: number[];
  /** Memory after the same settle as the service's idle figure. */
  idle: ProcMemory;
}

/**
 * The floor under any Node service on this machine: a bare node:http server, spawned and polled
 * exactly like the bundle. The bundle's cold start and idle RSS minus these are what it costs.
 */
export async function measureNodeFloor(dir: string, count: number, settleMs: number): Promise<NodeFloor> {
  const script = join(dir, "floor.mjs");
  await writeFile(
    script,
    'import { createServer } from "node:http";\n' +
      'createServer((_q, s) => s.end("{}")).listen(Number(process.env.PORT), () => console.log(\'{"msg":"listening"}\'));\n',
  );
  const readyMs: number[] = [];
  let idle: ProcMemory | undefined;
  for (let i = 0; i < count; i++) {
    const proc = await spawnBundle(script, {});
    try {
      readyMs.push((await untilHealthy(proc.url, 15_000)) - proc.spawnedAt);
      if (i === count - 1) {
        await sleep(settleMs);
        idle = procMemory(proc.pid);
      }
    } finally {
      await proc.stop();
    }
  }
  if (!idle) throw new Error("no node floor sample");
  return { readyMs, idle };
}
