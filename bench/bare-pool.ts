import { demoGroup, type Emulator } from "../emulator/index.js";
import type { WireContainerGroup } from "../service/core/arm-types.js";
import { stampArrivals } from "./arrivals.js";
import type { BarePoolMessage, BarePoolReply } from "./bare-pool-worker.js";
import { clientId, groupPath, resourceGroup, subscriptionId } from "./fixture.js";
import { forkWorker } from "./worker-process.js";
import { poolFigures, type PoolFigures } from "./pool-figures.js";
import { poolTraffic, type PoolPlan } from "./pool-makespan.js";

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
  const worker = forkWorker<BarePoolReply>(new URL("./bare-pool-worker.ts", import.meta.url), options.caFile);
  const stamps = stampArrivals(emulator.requests);
  try {
    await worker.ask({
      options: { endpoint: emulator.url, identityEndpoint: emulator.identityEndpoint, identityHeader: emulator.identityHeader, clientId, subscriptionId, resourceGroup, definition: options.definition },
      groups,
      plan,
    } satisfies BarePoolMessage);
    const reply = await worker.ask("go");
    if ("error" in reply) throw new Error(`bare pool worker: ${reply.error}`);
    if (!("runs" in reply)) throw new Error("bare pool worker: unexpected reply");
    const paths = new Map(groups.map((name) => [groupPath(name), name]));
    const { puts, reads } = poolTraffic(emulator.requests, stamps.arrivals, paths);
    return poolFigures({ submittedAtMs: reply.startedAtMs, runMs: plan.runMs, groups: plan.groups, runs: reply.runs, puts, reads });
  } finally {
    stamps.restore();
    await worker.stop();
  }
}
