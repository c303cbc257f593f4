import type { WireContainerGroup } from "./arm-types.js";
import type { ContainerGroupPort } from "./container-group-port.js";
import { ServiceError } from "./errors.js";
import { recreate, type RecreateResult } from "./recreate.js";
import { hashIdempotencyKey, hashRequest, nextRunRecord, readRunRecord, type RunRecord } from "./run-record.js";
import type { RunRequest } from "./run-request.js";
import { createRunLock, type RunLock } from "./run-lock.js";
import { describeMissingSecret, type AciSecrets } from "./secrets.js";
import { isRunActive, runStatus, type RunView } from "./status.js";

export interface RunServiceDeps {
  group: ContainerGroupPort;
  secrets: AciSecrets;
  /** The container whose exit decides the run's status and whose logs are served; default the first. */
  container?: string;
  newRunId: () => string;
  now: () => Date;
  lock?: RunLock;
}

export interface StartedRun {
  run: RunView;
  /** True when an earlier request with the same idempotency key and body started this run. */
  replayed: boolean;
}

export interface RunLogs {
  id: string;
  content: string;
}

/**
 * The run service: every decision between an HTTP request and ARM. It keeps no state of its
 * own; the group's tags (the run record) and instance view are the only truth, so any instance
 * of the service, or one just restarted, answers the same. It returns data or throws
 * `ServiceError` / `RestError`; routes shape the HTTP answers.
 */
export interface RunService {
  /** Re-creates the group with the request's env, unless a run is active or the key replays. */
  start(request: RunRequest, idempotencyKey?: string): Promise<StartedRun>;
  status(runId: string): Promise<RunView>;
  logs(runId: string, tail?: number): Promise<RunLogs>;
  /** Stops the group if `runId` is its current, still active run. */
  cancel(runId: string): Promise<RunView>;
}

type Refusal = Extract<RecreateResult, { ok: false }>;

function refusalError(refusal: Refusal): ServiceError {
  switch (refusal.code) {
    case "SecretNotConfigured": {
      const missing = refusal.missing.map(describeMissingSecret);
      return new ServiceError("SecretNotConfigured", `The service cannot restore the group's secrets: ${missing.join("; ")}.`, {
        details: { missing },
      });
    }
    case "SecureVariableOverride":
      return new ServiceError("SecureVariableOverride", `These variables are secure values of the group and cannot be set per run: ${refusal.names.join(", ")}.`, {
        details: { names: refusal.names },
      });
    case "ContainerNotFound":
      return new ServiceError("ContainerNotFound", `The configured container "${refusal.container}" is not in the container group.`);
    case "BaseEnvUnreadable":
      return new ServiceError("BaseEnvUnreadable", `The bookkeeping variable of container "${refusal.container}" is unreadable; it was changed outside the service.`);
    case "TooManyTags":
      return new ServiceError("TooManyTags", "The container group has too many tags to record the run (ARM allows 50).");
  }
}

function currentRecord(group: WireContainerGroup, runId: string): RunRecord {
  const record = readRunRecord(group.tags);
  if (record?.runId === runId) return record;
  if (record?.previousRunIds.includes(runId)) {
    throw new ServiceError("RunSuperseded", `Run ${runId} was replaced by a later run; its status and logs are gone.`, {
      details: { runId: record.runId },
    });
  }
  throw new ServiceError("RunNotFound", `No run ${runId} is known for this container group.`);
}

export function createRunService(deps: RunServiceDeps): RunService {
  const lock = deps.lock ?? createRunLock();
  const { group: port, container } = deps;

  function targetContainer(group: WireContainerGroup): string {
    const name = container ?? group.properties.containers[0]?.name;
    if (name === undefined) throw new ServiceError("ContainerNotFound", "The container group has no containers.");
    return name;
  }

  return {
    start: (request, idempotencyKey) =>
      lock(async () => {
        const group = await port.read();
        const record = readRunRecord(group.tags);
        const requestHash = hashRequest(request);
        const keyHash = idempotencyKey === undefined ? undefined : hashIdempotencyKey(idempotencyKey);

        if (record !== undefined && keyHash !== undefined && record.idempotencyKeyHash === keyHash) {
          if (record.requestHash !== requestHash) {
            throw new ServiceError("IdempotencyKeyReused", "This Idempotency-Key was used for a different request body.", {
              details: { runId: record.runId },
            });
          }
          return { run: runStatus(group, record.runId, container), replayed: true };
        }
        if (isRunActive(group, container)) {
          const running = record?.runId;
          throw new ServiceError("RunInProgress", running ? `Run ${running} is still in progress.` : "The container group is busy with a run.", {
            ...(running ? { details: { runId: running } } : {}),
          });
        }

        const runId = deps.newRunId();
        const startedAt = deps.now().toISOString();
        const next = nextRunRecord(record, { runId, startedAt, requestHash, ...(keyHash ? { idempotencyKeyHash: keyHash } : {}) });
        const result = recreate({ group, request, secrets: deps.secrets, record: next, ...(container ? { targetContainer: container } : {}) });
        if (!result.ok) throw refusalError(result);
        await port.replace(result.body);
        return { run: { id: runId, status: "starting", startedAt }, replayed: false };
      }),

    status: async (runId) => {
      const group = await port.read();
      currentRecord(group, runId);
      return runStatus(group, runId, container);
    },

    logs: async (runId, tail) => {
      const group = await port.read();
      currentRecord(group, runId);
      // While the new deployment provisions, ARM would still serve the previous run's output.
      if (runStatus(group, runId, container).status === "starting") return { id: runId, content: "" };
      const content = await port.logs(targetContainer(group), tail);
      return { id: runId, content };
    },

    cancel: (runId) =>
      lock(async () => {
        const group = await port.read();
        currentRecord(group, runId);
        const view = runStatus(group, runId, container);
        if (!isRunActive(group, container)) {
          throw new ServiceError("RunNotActive", `Run ${runId} is not active; it ended as ${view.status}.`, {
            details: { runId, status: view.status },
          });
        }
        await port.stop();
        return {
          id: runId,
          status: "canceled",
          ...(view.startedAt ? { startedAt: view.startedAt } : {}),
          finishedAt: deps.now().toISOString(),
        };
      }),
  };
}
