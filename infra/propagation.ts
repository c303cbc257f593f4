import * as pulumi from "@pulumi/pulumi";
import * as time from "@pulumiverse/time";

/**
 * Azure accepts a role definition or assignment before it is in force everywhere: an assignment
 * of a role defined a moment ago can fail with `RoleDefinitionDoesNotExist`, and a new grant may
 * take minutes before a token of the identity carries it (ARM caches them, up to 10 minutes by
 * Microsoft's RBAC troubleshooting guide). `dependsOn` only orders creation, so the program
 * waits where a too-early use would fail: once, when the thing waited on is created (or its
 * `triggers` change), and never on later `pulumi up` runs.
 */

/** Between a new custom role definition and its first assignment. */
export const roleDefinitionSettle = "60s";

/** Between new grants of the service's identity and the first revision that relies on them. */
export const grantSettle = "2m";

/** A wait of `duration` after each creation of the `triggers` (and each change of them). */
export function propagationWait(
  name: string,
  duration: string,
  triggers: Record<string, pulumi.Input<string>>,
  parent: pulumi.Resource,
): time.Sleep {
  return new time.Sleep(name, { createDuration: duration, triggers }, { parent });
}

/**
 * The trigger `key` read back from the wait, so whatever uses it depends on the wait and not
 * only on what the wait was for.
 */
export function settled(wait: time.Sleep, key: string): pulumi.Output<string> {
  return wait.triggers.apply((triggers) => {
    const value = triggers?.[key];
    if (value === undefined) throw new Error(`No propagation trigger named ${key}.`);
    return value;
  });
}
