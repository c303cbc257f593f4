import { type Attributes, type Meter, SpanStatusCode, type Tracer } from "@opentelemetry/api";
import type { QueueState, RunAttributes, Telemetry } from "./telemetry.js";

/** Metric names, one place: docs/telemetry.md queries them. */
export const metricNames = {
  runsEnded: "trigger.runs.ended",
  acceptToRunning: "trigger.run.accept_to_running",
  runningToEnd: "trigger.run.running_to_end",
  dispatchLatency: "trigger.dispatch.latency",
  armCalls: "trigger.arm.calls",
  storeConflicts: "trigger.store.conflicts",
  queueDepth: "trigger.queue.depth",
  queueHeadAge: "trigger.queue.head_age",
  webhookAttempts: "trigger.webhook.attempts",
  webhookLag: "trigger.webhook.lag",
  logArchiveLag: "trigger.log_archive.lag",
} as const;

/** The attributes of a run, by their OpenTelemetry names; nothing else of a run is ever attached. */
export function runAttributes(run: RunAttributes): Attributes {
  return {
    ...(run.runId !== undefined ? { "trigger.run.id": run.runId } : {}),
    ...(run.group !== undefined ? { "trigger.run.group": run.group } : {}),
    ...(run.attempt !== undefined ? { "trigger.run.attempt": run.attempt } : {}),
  };
}

/** Durations in seconds, as OpenTelemetry's semantic conventions record them. */
const seconds = (ms: number) => Math.max(0, ms) / 1000;

/** Everything of `Telemetry` that is recorded through the API: spans and metrics, not export. */
export type Recorder = Omit<Telemetry, "enabled" | "flush" | "shutdown" | "exportLog" | "metricsText">;

export function createRecorder(tracer: Tracer, meter: Meter): Recorder {
  const runsEnded = meter.createCounter(metricNames.runsEnded, { description: "Runs that reached an end, by outcome" });
  const acceptToRunning = meter.createHistogram(metricNames.acceptToRunning, { unit: "s", description: "From a run's acceptance to its container running" });
  const runningToEnd = meter.createHistogram(metricNames.runningToEnd, { unit: "s", description: "From a run's container running to its end" });
  const dispatchLatency = meter.createHistogram(metricNames.dispatchLatency, { unit: "s", description: "From a run's acceptance to its PUT answered" });
  const armCalls = meter.createCounter(metricNames.armCalls, { description: "Tries of ARM calls, by operation and HTTP status (0: no answer)" });
  const storeConflicts = meter.createCounter(metricNames.storeConflicts, { description: "Compare-and-set writes lost to another writer (412)" });
  const webhookAttempts = meter.createCounter(metricNames.webhookAttempts, { description: "Webhook delivery attempts, by outcome" });
  const webhookLag = meter.createHistogram(metricNames.webhookLag, { unit: "s", description: "From a run's event to a delivery attempt" });
  const logArchiveLag = meter.createHistogram(metricNames.logArchiveLag, { unit: "s", description: "How far a run's archived log is behind its newest line" });
  const queueDepth = meter.createObservableGauge(metricNames.queueDepth, { description: "Runs waiting for a group" });
  const queueHeadAge = meter.createObservableGauge(metricNames.queueHeadAge, { unit: "s", description: "Age of the oldest queued run" });

  let readQueue: (() => Promise<QueueState>) | undefined;
  meter.addBatchObservableCallback(
    async (result) => {
      if (!readQueue) return;
      const queue = await readQueue();
      result.observe(queueDepth, queue.depth);
      result.observe(queueHeadAge, seconds(queue.headAgeMs ?? 0));
    },
    [queueDepth, queueHeadAge],
  );

  return {
    span: (name, attributes, fn) =>
      tracer.startActiveSpan(name, { attributes: runAttributes(attributes) }, async (span) => {
        try {
          return await fn();
        } catch (error) {
          // The error's kind only: its message may quote a value the caller sent.
          span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : "error" });
          throw error;
        } finally {
          span.end();
        }
      }),
    runEnded: (run) => {
      const group = run.group !== undefined ? { "trigger.run.group": run.group } : {};
      runsEnded.add(1, { "trigger.run.outcome": run.outcome, ...(run.exitCode !== undefined ? { "trigger.run.exit_code": run.exitCode } : {}), ...group });
      if (run.runningAt) {
        acceptToRunning.record(seconds(run.runningAt.getTime() - run.acceptedAt.getTime()), group);
        runningToEnd.record(seconds(run.endedAt.getTime() - run.runningAt.getTime()), { "trigger.run.outcome": run.outcome, ...group });
      }
    },
    dispatched: (latencyMs, run) => dispatchLatency.record(seconds(latencyMs), run.group !== undefined ? { "trigger.run.group": run.group } : {}),
    storeConflict: (operation) => storeConflicts.add(1, { "trigger.store.operation": operation }),
    armCall: (operation, status) => armCalls.add(1, { "trigger.arm.operation": operation, "http.response.status_code": status }),
    observeQueue: (read) => {
      readQueue = read;
    },
    webhookAttempt: (outcome, lagMs) => {
      webhookAttempts.add(1, { "trigger.webhook.outcome": outcome });
      webhookLag.record(seconds(lagMs));
    },
    logArchived: (lagMs) => logArchiveLag.record(seconds(lagMs)),
  };
}
