/**
 * The ARM paths the emulator serves, matched like ARM does: fixed segments ignore case
 * (`resourcegroups` = `resourceGroups`), names are taken as sent.
 */
export type ArmPath =
  | { kind: "operation"; subscriptionId: string; location: string; operationId: string }
  | { kind: "list"; subscriptionId: string; resourceGroup?: string }
  | { kind: "group"; subscriptionId: string; resourceGroup: string; name: string }
  | { kind: "action"; subscriptionId: string; resourceGroup: string; name: string; action: "start" | "stop" | "restart" }
  | { kind: "logs"; subscriptionId: string; resourceGroup: string; name: string; container: string };

const provider = "microsoft.containerinstance";

/**
 * A path's decoded segments below `/subscriptions/{id}`, with `fixed(i, name)` (a fixed segment,
 * ignoring case) and `at(i)` (a name, as sent); undefined when it is no subscription path.
 */
export function armSegments(pathname: string): { segments: string[]; subscriptionId: string; fixed: (index: number, expected: string) => boolean; at: (index: number) => string } | undefined {
  let segments: string[];
  try {
    segments = pathname.split("/").filter((s) => s !== "").map(decodeURIComponent);
  } catch {
    return undefined;
  }
  const fixed = (index: number, expected: string) => segments[index]?.toLowerCase() === expected;
  const at = (index: number) => segments[index] ?? "";
  if (!fixed(0, "subscriptions") || at(1) === "") return undefined;
  return { segments, subscriptionId: at(1), fixed, at };
}

export function parseArmPath(pathname: string): ArmPath | undefined {
  const parsed = armSegments(pathname);
  if (!parsed) return undefined;
  const { segments, subscriptionId, fixed, at } = parsed;
  if (fixed(2, "providers") && fixed(3, provider)) {
    if (segments.length === 5 && fixed(4, "containergroups")) return { kind: "list", subscriptionId };
    if (segments.length === 8 && fixed(4, "locations") && fixed(6, "operations")) {
      return { kind: "operation", subscriptionId, location: at(5), operationId: at(7) };
    }
    return undefined;
  }
  if (!fixed(2, "resourcegroups") || !fixed(4, "providers") || !fixed(5, provider) || !fixed(6, "containergroups")) return undefined;
  const resourceGroup = at(3);
  if (segments.length === 7) return { kind: "list", subscriptionId, resourceGroup };
  const name = at(7);
  if (segments.length === 8) return { kind: "group", subscriptionId, resourceGroup, name };
  const action = at(8).toLowerCase();
  if (segments.length === 9 && (action === "start" || action === "stop" || action === "restart")) {
    return { kind: "action", subscriptionId, resourceGroup, name, action };
  }
  if (segments.length === 11 && fixed(8, "containers") && fixed(10, "logs")) {
    return { kind: "logs", subscriptionId, resourceGroup, name, container: at(9) };
  }
  return undefined;
}
