import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { demoGroup, type Emulator } from "../emulator/index.js";
import type { WireContainerGroup } from "../service/core/arm-types.js";
import { runIdTagName } from "../service/core/carried-run.js";
import { stampArrivals } from "./arrivals.js";
import type { BarePoolMessage, BarePoolReply } from "./bare-pool-worker.js";
import { clientId, groupPath, resourceGroup, subscriptionId } from "./fixture.js";
import { poolFigures, type PoolFigures, type PoolPut, type PoolRead } from "./pool-figures.js";
import type { PoolPlan } from "./pool-makespan.js";

/**
 * The pool phase's plan run by the bare poller (`bare-pool-worker.ts`) in a process of its own,
 * on groups of its own, measured exactly as the service's round is (`poolFigures` over the
 * emulator's stamped PUTs and reads): the makespan a poller with that interval reaches on this
 * machine when a hand-over costs nothing but the wait for a read and the PUT.
 */
export async function measureBarePool(options: { emulator: Emulator; caFile: string; definition: WireContainerGroup; plan: PoolPlan; round: number }): Promise<PoolFigures> {
  const { emulator, plan } = options;
  const groups = Array.from({ length: plan.groups }, (_, i) => `bare-pool-${options.round}-${i + 1}`);
  for (const name of groups) emulator.putGroup(subscriptionId, resourceGroup, name, demoGroup(), { terminated: true });
  const child = fork(fileURLToPath(new URL("./bare-pool-worker.ts", import.meta.url)), {
    execArgv: ["--import", "tsx"],
    env: { PATH: process.env["PATH"] ?? "", NODE_EXTRA_CA_CERTS: options.caFile },
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const next = () =>
    new Promise<BarePoolReply>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`the bare pool worker exited with ${code}`));
      child.once("exit", onExit);
      child.once("message", (reply: BarePoolReply) => {
        child.off("exit", onExit);
        resolve(reply);
      });
    });
  const stamps = stampArrivals(emulator.requests);
  try {
    const ready = next();
    child.send({
      options: { endpoint: emulator.url, identityEndpoint: emulator.identityEndpoint, identityHeader: emulator.identityHeader, clientId, subscriptionId, resourceGroup, definition: options.definition },
      groups,
      plan,
    } satisfies BarePoolMessage);
    await ready;
    const done = next();
    child.send("go");
    const reply = await done;
    if ("error" in reply) throw new Error(`bare pool worker: ${reply.error}`);
    if (!("runs" in reply)) throw new Error("bare pool worker: unexpected reply");
    const paths = new Map(groups.map((name) => [groupPath(name), name]));
    const puts: PoolPut[] = [];
    const reads: PoolRead[] = [];
    for (const request of emulator.requests) {
      const group = paths.get(request.path);
      const atMs = stamps.arrivals.get(request);
      if (!group || atMs === undefined) continue;
      if (request.method === "GET") reads.push({ group, atMs });
      const runId = request.method === "PUT" ? (request.body as { tags?: Record<string, string> } | undefined)?.tags?.[runIdTagName] : undefined;
      if (runId) puts.push({ runId, group, atMs });
    }
    return poolFigures({ submittedAtMs: reply.startedAtMs, runMs: plan.runMs, groups: plan.groups, runs: reply.runs, puts, reads });
  } finally {
    stamps.restore();
    child.kill("SIGTERM");
    await exited;
  }
}
