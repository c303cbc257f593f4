import type { ArmPort } from "../arm/arm-port.js";
import type { WireContainerGroup } from "../core/arm-types.js";

/**
 * The process's reads of its pool's groups, shared by decisions made at once: a decision marks
 * when it began (`mark`), and any read of a group that began after that mark serves it as well as
 * a read of its own — in flight or finished. Starts racing for the pool read each group once
 * between them, and the pass that saw a group's run end dispatches on that same read. A read that
 * began before a decision never serves it, nor one from before a write to the group (`forget`).
 */
export interface GroupReads {
  /** The point from which reads serve a decision that begins now. */
  mark(): number;
  /** A read of the group that began after `since`, or a new one. */
  read(group: string, since?: number): Promise<WireContainerGroup>;
  /** Called before a write to the group (a PUT, a stop): what was read before no longer serves. */
  forget(group: string): void;
}

interface Known {
  began: number;
  read: Promise<WireContainerGroup>;
}

export function createGroupReads(arm: Pick<ArmPort, "read">): GroupReads {
  let clock = 0;
  const latest = new Map<string, Known>();

  return {
    mark: () => ++clock,
    read: (group, since) => {
      const known = latest.get(group);
      if (known && since !== undefined && known.began > since) return known.read;
      const began = ++clock;
      const read = arm.read(group);
      const entry = { began, read };
      latest.set(group, entry);
      // A failed read serves no one after it.
      read.catch(() => {
        if (latest.get(group) === entry) latest.delete(group);
      });
      return read;
    },
    forget: (group) => {
      latest.delete(group);
    },
  };
}
