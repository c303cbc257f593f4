import { randomUUID } from "node:crypto";
import type { StoredGroup } from "./group-view.js";
import type { Run } from "./lifecycle.js";

/** An async operation ARM hands out on PUT and start: it ends as its run's provisioning ends. */
export interface Operation {
  id: string;
  groupId: string;
  run: Run;
}

/**
 * The emulator's state: groups keyed case-insensitively by subscription, resource group and
 * name (ARM looks names up ignoring case and keeps the casing of the create), and operations.
 */
export class GroupStore {
  #groups = new Map<string, StoredGroup>();
  #operations = new Map<string, Operation>();

  get(subscriptionId: string, resourceGroup: string, name: string): StoredGroup | undefined {
    return this.#groups.get(key(subscriptionId, resourceGroup, name));
  }

  set(group: StoredGroup): void {
    this.#groups.set(key(group.subscriptionId, group.resourceGroup, group.name), group);
  }

  delete(subscriptionId: string, resourceGroup: string, name: string): void {
    this.#groups.delete(key(subscriptionId, resourceGroup, name));
  }

  /** Groups of a subscription, or of one resource group in it, in a stable order. */
  list(subscriptionId: string, resourceGroup?: string): StoredGroup[] {
    return [...this.#groups.values()]
      .filter((g) => same(g.subscriptionId, subscriptionId) && (resourceGroup === undefined || same(g.resourceGroup, resourceGroup)))
      .sort((a, b) => key(a.subscriptionId, a.resourceGroup, a.name).localeCompare(key(b.subscriptionId, b.resourceGroup, b.name)));
  }

  addOperation(groupId: string, run: Run): Operation {
    const operation = { id: randomUUID(), groupId, run };
    this.#operations.set(operation.id, operation);
    return operation;
  }

  operation(id: string): Operation | undefined {
    return this.#operations.get(id.toLowerCase());
  }
}

function key(subscriptionId: string, resourceGroup: string, name: string): string {
  return `${subscriptionId}/${resourceGroup}/${name}`.toLowerCase();
}

function same(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
