import type { TableEntityResult } from "@azure/data-tables";
import type { BaseEnv } from "../core/base-env.js";
import { runStatuses, startPaths, type RunRecord, type RunStatus, type StartPath } from "../core/run.js";
import { joinText, splitText } from "./entity-fields.js";
import { rowKeys } from "./row-keys.js";
import type { GroupLease, LogOwed, Stored } from "./run-store.js";
import type { Entity } from "./table-calls.js";

/** The table entities of runs and leases, and back. */

export function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

export function runEntity(partition: string, run: RunRecord): Entity {
  const rowKey = rowKeys.run(run.id);
  if (rowKey === undefined) throw new Error("run ids must be UUIDv7");
  return {
    partitionKey: partition,
    rowKey,
    id: run.id,
    status: run.status,
    seq: run.seq,
    createdAt: run.createdAt,
    requestHash: run.requestHash,
    ...splitText("env", JSON.stringify(run.env)),
    ...(run.command ? splitText("command", JSON.stringify(run.command)) : {}),
    ...(run.group ? { group: run.group } : {}),
    ...(run.image ? { image: run.image } : {}),
    ...(run.startedAt ? { startedAt: run.startedAt } : {}),
    ...(run.finishedAt ? { finishedAt: run.finishedAt } : {}),
    ...(run.exitCode !== undefined ? { exitCode: run.exitCode } : {}),
    ...(run.message ? { message: run.message } : {}),
    ...(run.startedBy ? { startedBy: run.startedBy } : {}),
    ...(run.idempotencyKeyHash ? { idempotencyKeyHash: run.idempotencyKeyHash } : {}),
    ...(run.claimedAt ? { claimedAt: run.claimedAt } : {}),
    ...(run.confirmedAt ? { confirmedAt: run.confirmedAt } : {}),
    ...(run.attempt !== undefined ? { attempt: run.attempt } : {}),
    ...(run.timeoutSeconds !== undefined ? { timeoutSeconds: run.timeoutSeconds } : {}),
    ...(run.maxRetries !== undefined ? { maxRetries: run.maxRetries } : {}),
    ...(run.retryOnTimeout !== undefined ? { retryOnTimeout: run.retryOnTimeout } : {}),
    ...(run.webhookUrl ? { webhookUrl: run.webhookUrl } : {}),
    ...(run.retryAt ? { retryAt: run.retryAt } : {}),
    ...(run.restartCount !== undefined ? { restartCount: run.restartCount } : {}),
    ...(run.startPath ? { startPath: run.startPath } : {}),
    ...(run.log ? { log: run.log } : {}),
    ...(run.earlierAttempts?.length ? splitText("attempts", JSON.stringify(run.earlierAttempts)) : {}),
  };
}

export function runFrom(entity: TableEntityResult<Record<string, unknown>>): Stored<RunRecord> {
  const status = String(entity["status"]);
  // Runs written before commands were split keep theirs in one `command` property.
  const command = joinText(entity, "command") ?? text(entity["command"]);
  const exitCode = entity["exitCode"];
  const attempts = joinText(entity, "attempts");
  const integer = (name: keyof RunRecord) => (typeof entity[name] === "number" ? { [name]: entity[name] as number } : {});
  const optional = (name: keyof RunRecord) => (text(entity[name]) ? { [name]: text(entity[name]) } : {});
  return {
    id: String(entity["id"]),
    status: (runStatuses as readonly string[]).includes(status) ? (status as RunStatus) : "lost",
    seq: Number(entity["seq"]),
    createdAt: String(entity["createdAt"]),
    requestHash: String(entity["requestHash"]),
    env: JSON.parse(joinText(entity, "env") ?? "{}") as Record<string, string>,
    ...(command ? { command: JSON.parse(command) as string[] } : {}),
    ...(typeof exitCode === "number" ? { exitCode } : {}),
    ...optional("group"),
    ...optional("image"),
    ...optional("startedAt"),
    ...optional("finishedAt"),
    ...optional("message"),
    ...optional("startedBy"),
    ...optional("idempotencyKeyHash"),
    ...optional("claimedAt"),
    ...optional("confirmedAt"),
    ...optional("retryAt"),
    ...optional("webhookUrl"),
    ...((startPaths as readonly unknown[]).includes(entity["startPath"]) ? { startPath: entity["startPath"] as StartPath } : {}),
    ...integer("attempt"),
    ...integer("timeoutSeconds"),
    ...integer("maxRetries"),
    ...integer("restartCount"),
    ...(entity["log"] === "complete" || entity["log"] === "incomplete" ? { log: entity["log"] } : {}),
    ...(typeof entity["retryOnTimeout"] === "boolean" ? { retryOnTimeout: entity["retryOnTimeout"] } : {}),
    ...(attempts ? { earlierAttempts: JSON.parse(attempts) as RunRecord["earlierAttempts"] } : {}),
    etag: entity.etag,
  };
}

export function leaseEntity(partition: string, lease: GroupLease): Entity {
  return {
    partitionKey: partition,
    rowKey: rowKeys.lease(lease.group),
    group: lease.group,
    runId: lease.runId ?? "",
    ...(lease.logOwed ? { logOwed: JSON.stringify(lease.logOwed) } : {}),
    ...(lease.base ? splitText("base", JSON.stringify(lease.base)) : {}),
  };
}

export function leaseFrom(entity: TableEntityResult<Record<string, unknown>>): Stored<GroupLease> {
  const runId = text(entity["runId"]);
  const base = joinText(entity, "base");
  const logOwed = text(entity["logOwed"]);
  return {
    group: String(entity["group"]),
    ...(runId ? { runId } : {}),
    ...(logOwed ? { logOwed: JSON.parse(logOwed) as LogOwed } : {}),
    ...(base ? { base: JSON.parse(base) as BaseEnv } : {}),
    etag: entity.etag,
  };
}
