import { metrics, trace } from "@opentelemetry/api";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import { describe, expect, it } from "vitest";
import { createRecorder, metricNames } from "../../service/telemetry/instruments.js";
import { PullReader } from "../../service/telemetry/metrics-text.js";

/** A recorder on providers of its own (none registered globally), with what they hold. */
function recorder() {
  const spans = new InMemorySpanExporter();
  const tracing = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: spans })] });
  const reader = new PullReader();
  const meter = new MeterProvider({ readers: [reader] });
  return { record: createRecorder(tracing.getTracer("test"), meter.getMeter("test")), spans, text: () => reader.text() };
}

const prometheusName = (name: string) => name.replaceAll(".", "_");

describe("the telemetry API the run service and the store call", () => {
  it("counts an ended run by outcome and exit code and records its two durations", async () => {
    const { record, text } = recorder();
    const acceptedAt = new Date("2026-01-01T00:00:00Z");
    record.runEnded({ runId: "run-1", group: "job", attempt: 1, outcome: "failed", exitCode: 3, acceptedAt, runningAt: new Date(acceptedAt.getTime() + 2_000), endedAt: new Date(acceptedAt.getTime() + 7_000) });
    record.runEnded({ runId: "run-2", group: "job", outcome: "canceled", acceptedAt, endedAt: acceptedAt });
    const out = await text();
    expect(out).toContain('trigger_runs_ended_total{trigger_run_outcome="failed",trigger_run_exit_code="3",trigger_run_group="job",otel_scope_name="test"} 1\n');
    expect(out).toContain('trigger_runs_ended_total{trigger_run_outcome="canceled",trigger_run_group="job",otel_scope_name="test"} 1\n');
    // The canceled run never ran: it has no accept→running or running→end.
    expect(out).toContain('trigger_run_accept_to_running_count{trigger_run_group="job",otel_scope_name="test"} 1\n');
    expect(out).toContain('trigger_run_accept_to_running_sum{trigger_run_group="job",otel_scope_name="test"} 2\n');
    expect(out).toContain('trigger_run_running_to_end_sum{trigger_run_outcome="failed",trigger_run_group="job",otel_scope_name="test"} 5\n');
    // A run's id is a span attribute, never a metric label: one series per run would never end.
    expect(out).not.toContain("run-1");
  });

  it("reads the queue only when metrics are collected", async () => {
    const { record, text } = recorder();
    let reads = 0;
    record.observeQueue(async () => {
      reads += 1;
      return { depth: 4, headAgeMs: 1_500 };
    });
    expect(reads).toBe(0);
    const out = await text();
    expect(reads).toBe(1);
    expect(out).toMatch(new RegExp(`^${prometheusName(metricNames.queueDepth)}\\S* 4`, "m"));
    expect(out).toMatch(new RegExp(`^${prometheusName(metricNames.queueHeadAge)}\\S* 1.5`, "m"));
  });

  it("counts store conflicts, dispatches, webhook attempts and log-archive lag", async () => {
    const { record, text } = recorder();
    record.storeConflict("claimGroup");
    record.storeConflict("claimGroup");
    record.dispatched(250, { group: "job" });
    record.webhookAttempt("failed", 1_000);
    record.logArchived(3_000);
    const out = await text();
    expect(out).toMatch(/^trigger_store_conflicts(_total)?\{[^}]*trigger_store_operation="claimGroup"[^}]*\} 2/m);
    expect(out).toMatch(/^trigger_dispatch_latency(_seconds)?_count\{[^}]*\} 1/m);
    expect(out).toMatch(/^trigger_webhook_attempts(_total)?\{[^}]*trigger_webhook_outcome="failed"[^}]*\} 1/m);
    expect(out).toMatch(/^trigger_log_archive_lag(_seconds)?_sum\S* 3/m);
  });

  it("runs a pass in a span carrying the run's id, group and attempt, and marks a failure by its kind only", async () => {
    const { record, spans } = recorder();
    await record.span("reconcile.dispatch", { runId: "run-9", group: "job", attempt: 2 }, async () => {});
    await expect(record.span("reconcile.pass", {}, async () => Promise.reject(new TypeError("value secret-in-message")))).rejects.toThrow(TypeError);
    const [dispatch, pass] = spans.getFinishedSpans();
    expect(dispatch?.attributes).toEqual({ "trigger.run.id": "run-9", "trigger.run.group": "job", "trigger.run.attempt": 2 });
    expect(pass?.status).toEqual({ code: 2, message: "TypeError" });
    expect(JSON.stringify({ attributes: pass?.attributes, events: pass?.events, status: pass?.status })).not.toContain("secret-in-message");
  });

  it("registers nothing globally", () => {
    recorder();
    expect(trace.getTracer("probe").startSpan("probe").isRecording()).toBe(false);
    expect(metrics.getMeterProvider().constructor.name).toBe("NoopMeterProvider");
  });
});
