import { randomUUID } from "node:crypto";
import { resourceKey, type ResourcePath } from "./standby-paths.js";
import type { JsonObject } from "./wire.js";

/**
 * How long the standby feature takes. Defaults from Azure CLI's recorded traffic (standby facts
 * §10): a claim answered in about 4 s, a cold create reached Running in about 17 s; a pool
 * instance is a cold-created group, so a refill takes as long as a cold create by default.
 */
export interface StandbyTimings {
  /** How long a claim PUT is held before its answer (the group is Running in it). */
  claimMs: number;
  /** From a cold create's PUT to its container running: half Pending, half Creating. */
  coldCreateMs: number;
  /** From a pool's creation, or an instance's claim, until the instance replacing it is ready. */
  refillMs: number;
}

export const defaultStandbyTimings: StandbyTimings = { claimMs: 4_000, coldCreateMs: 17_000, refillMs: 17_000 };

/** A profile: its revisions in order, revision n at index n - 1, each the body as PUT (secrets kept). */
export interface StoredProfile extends ResourcePath {
  revisions: JsonObject[];
}

/** One pre-provisioned container group of a pool, ready (Running) from `readyAt`. */
export interface PoolInstance {
  readyAt: number;
}

export interface StoredPool extends ResourcePath {
  body: JsonObject;
  instances: PoolInstance[];
}

/**
 * An async operation the standby feature handed out: a pool's PUT or DELETE (Microsoft.StandbyPool),
 * or a claim (ACI answers it Succeeded, without events, as recorded). Each is over when handed out.
 */
export interface StandbyOperation {
  id: string;
  kind: "pool" | "claim";
  resourceId: string;
  startedAt: number;
}

/** A map keyed case-insensitively by subscription, resource group and name, as ARM looks names up. */
export class ResourceMap<T extends ResourcePath> {
  #items = new Map<string, T>();

  get(path: ResourcePath): T | undefined {
    return this.#items.get(resourceKey(path));
  }

  set(item: T): void {
    this.#items.set(resourceKey(item), item);
  }

  delete(path: ResourcePath): void {
    this.#items.delete(resourceKey(path));
  }
}

/** The standby feature's state beside the groups: profiles, pools, operations and timings. */
export class StandbyState {
  readonly profiles = new ResourceMap<StoredProfile>();
  readonly pools = new ResourceMap<StoredPool>();
  readonly #operations = new Map<string, StandbyOperation>();
  /** Claims being held (`claimMs`) before their group exists, by group key: a repeated claim waits for its first. */
  readonly holds = new Map<string, Promise<void>>();

  constructor(readonly timings: StandbyTimings) {}

  addOperation(kind: StandbyOperation["kind"], resourceId: string, now: number): StandbyOperation {
    const operation = { id: randomUUID(), kind, resourceId, startedAt: now };
    this.#operations.set(operation.id, operation);
    return operation;
  }

  operation(kind: StandbyOperation["kind"], id: string): StandbyOperation | undefined {
    const operation = this.#operations.get(id.toLowerCase());
    return operation?.kind === kind ? operation : undefined;
  }
}
