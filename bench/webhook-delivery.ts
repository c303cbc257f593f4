import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { demoGroup } from "../emulator/index.js";
import { configNames } from "../service/config-names.js";
import { terminalRunStatuses } from "../service/core/run.js";
import { spawnBundle } from "./bundle-process.js";
import { resourceGroup, subscriptionId, type BenchFixture } from "./fixture.js";
import { sleep } from "./pool.js";
import { procCpuMs } from "./proc-stats.js";
import { seedDeliveries } from "./seed-deliveries.js";
import { startRun } from "./service-client.js";
import { openRunsTable } from "./table-client.js";
import type { Summary } from "./stats.js";
import { deliveryRate, endToReceivedMs, type DeliveryRate } from "./webhook-figures.js";
import { startBenchReceiver, type BenchReceiver } from "./webhook-receiver.js";

export interface WebhookPlan {
  /** runs whose end-to-webhook time is sampled, one after the other */
  latencyRuns: number;
  /** the reconcile interval of the latency phase: how soon a pass sees a run's end */
  latencyReconcileIntervalMs: number;
  /** pending deliveries the throughput phase drains */
  deliveries: number;
  /** how long its receiver takes to answer each */
  receiverMs: number;
}

export interface WebhookFigures {
  /** from a run's end being recorded (its event's timestamp) to its webhook received */
  endToReceivedMs: Summary;
  /** one replica draining `plan.deliveries` due events to a receiver answering in `plan.receiverMs` */
  throughput: DeliveryRate & {
    /** deliveries the receiver held at once: at most, and on average over the drain */
    maxInFlight: number;
    meanInFlight: number;
    /** the replica's CPU (user + system) from its start to the last arrival, per delivery */
    serviceCpuMsPerDelivery: number;
    seedMs: number;
  };
}

const secret = `whsec_${Buffer.from("bench-webhook-secret-0123456789").toString("base64")}`;
const groupName = "job-webhooks";

/**
 * The service's webhook settings toward `receiver`, with `caFile` trusting both the emulator and
 * the receiver's own certificate.
 */
async function webhookEnv(receiver: BenchReceiver, emulatorCaPem: string, dir: string, name: string): Promise<Record<string, string>> {
  const caFile = join(dir, `${name}-ca.pem`);
  await writeFile(caFile, `${emulatorCaPem}\n${receiver.caPem}`);
  return { NODE_EXTRA_CA_CERTS: caFile, [configNames.webhookUrl]: receiver.url, [configNames.webhookSecret]: secret };
}

async function until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
    await sleep(1);
  }
}

/**
 * Two figures of issue 22, each from one fresh bundle process straight to Azurite.
 * Latency: `plan.latencyRuns` runs started one after the other on a group of their own (the
 * emulator ends them at once), each next one once the previous run's final event has arrived;
 * nobody polls, so each end is recorded by a reconcile pass, as in production. Throughput:
 * `plan.deliveries` due events seeded in a partition of their own before the process starts; the
 * rate runs from the first arrival to the last, on the drain's own pace (16 in flight).
 */
export async function measureWebhookDelivery(bundle: string, fixture: BenchFixture, dir: string, plan: WebhookPlan): Promise<WebhookFigures> {
  const { emulator } = fixture;
  emulator.putGroup(subscriptionId, resourceGroup, groupName, demoGroup(), { terminated: true });
  const finals = terminalRunStatuses.map((status) => `run.${status}`).join(",");

  const prompt = await startBenchReceiver(0);
  const latencyService = await spawnBundle(bundle, {
    ...fixture.serviceEnv,
    ...fixture.directStorageEnv("bench-webhook-latency"),
    ...(await webhookEnv(prompt, emulator.caCertPem, dir, "latency")),
    [configNames.containerGroup]: groupName,
    [configNames.webhookEvents]: finals,
    [configNames.reconcileIntervalMs]: String(plan.latencyReconcileIntervalMs),
  });
  try {
    await latencyService.listening;
    for (let i = 0; i < plan.latencyRuns; i++) {
      const run = await startRun(latencyService.url, { BENCH_WEBHOOK: String(i) });
      if (run.status !== 202 || !run.id) throw new Error(`POST /runs answered ${run.status} in the webhook phase`);
      await until(() => prompt.received.some((delivery) => delivery.runId === run.id), 30_000, `run ${i}'s final event did not arrive`);
    }
  } finally {
    await latencyService.stop();
    await prompt.close();
  }

  const slow = await startBenchReceiver(plan.receiverMs);
  const partition = "bench-webhook-throughput";
  const table = openRunsTable(fixture.azurite.connectionString);
  const seedStarted = performance.now();
  await seedDeliveries(table.client, partition, slow.url, plan.deliveries).finally(() => table.close());
  const seedMs = performance.now() - seedStarted;
  const drainer = await spawnBundle(bundle, {
    ...fixture.serviceEnv,
    ...fixture.directStorageEnv(partition),
    ...(await webhookEnv(slow, emulator.caCertPem, dir, "throughput")),
    [configNames.containerGroup]: groupName,
  });
  try {
    await drainer.listening;
    const distinct = () => new Set(slow.received.map((delivery) => delivery.id)).size;
    await until(() => distinct() >= plan.deliveries, 300_000, `${plan.deliveries} deliveries did not all arrive`);
    const cpuMs = procCpuMs(drainer.pid);
    // The last answers go out after the last arrival.
    await sleep(plan.receiverMs * 2);
    return {
      endToReceivedMs: endToReceivedMs(prompt.received),
      throughput: {
        ...deliveryRate(slow.received),
        maxInFlight: slow.maxInFlight(),
        meanInFlight: slow.meanInFlight(),
        serviceCpuMsPerDelivery: cpuMs / plan.deliveries,
        seedMs,
      },
    };
  } finally {
    await drainer.stop();
    await slow.close();
  }
}
