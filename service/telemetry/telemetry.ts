/**
 * What the service tells an operator: spans, metrics and exported log lines. The rest of the
 * service talks to this interface only; `noTelemetry` is what it gets when nothing is configured,
 * so an unconfigured service records nothing and pays for nothing but a call that returns.
 */

/** The only attributes a span or metric of a run carries: never an env value, key or token. */
export interface RunAttributes {
  runId?: string;
  group?: string;
  attempt?: number;
}

/** How a run ended, its times, and where it ran: what the run-outcome metrics need. */
export interface EndedRun extends RunAttributes {
  /** the final status, for example "succeeded", "failed", "timed_out", "canceled" */
  outcome: string;
  exitCode?: number;
  acceptedAt: Date;
  /** absent when the run never ran */
  runningAt?: Date;
  endedAt: Date;
}

/** The queue at one moment: read when a metric reader collects, never on a timer of ours. */
export interface QueueState {
  depth: number;
  /** the age of the queue's head in milliseconds; absent when the queue is empty */
  headAgeMs?: number;
}

export interface Telemetry {
  /** true when an exporter or the metrics route is configured */
  readonly enabled: boolean;
  /** Runs `fn` inside a span named `name`, a child of the active one; the span ends with `fn`. */
  span<T>(name: string, attributes: RunAttributes, fn: () => Promise<T>): Promise<T>;
  /** A run reached its end: counts it by outcome and records accept→running and running→end. */
  runEnded(run: EndedRun): void;
  /** A run's group was taken and its PUT answered: `latencyMs` since the run was accepted. */
  dispatched(latencyMs: number, run: RunAttributes): void;
  /** A compare-and-set lost to another writer (HTTP 412 from the store). */
  storeConflict(operation: string): void;
  /** One try of an ARM call answered (`status` 0: no answer). */
  armCall(operation: string, status: number): void;
  /** Reads the queue whenever metrics are collected. */
  observeQueue(read: () => Promise<QueueState>): void;
  /** One webhook delivery attempt; `lagMs` from the run's event to this attempt. */
  webhookAttempt(outcome: "delivered" | "failed", lagMs: number): void;
  /** Log lines of a run copied to its blob, `lagMs` behind the newest line seen. */
  logArchived(lagMs: number): void;
  /** Exports one log line (already redacted) when logs are exported. */
  exportLog?: (line: Record<string, unknown>) => void;
  /** The metrics in Prometheus text format, when the metrics route is on. */
  metricsText?: () => Promise<string>;
  /** Sends everything recorded so far to the exporters. */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

const nothing = () => {};

export const noTelemetry: Telemetry = {
  enabled: false,
  span: (_name, _attributes, fn) => fn(),
  runEnded: nothing,
  dispatched: nothing,
  storeConflict: nothing,
  armCall: nothing,
  observeQueue: nothing,
  webhookAttempt: nothing,
  logArchived: nothing,
  flush: async () => {},
  shutdown: async () => {},
};
