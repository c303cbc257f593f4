/**
 * Who made a request, as the service logs it. Never a credential: a key is named by its label,
 * an Entra ID caller by the token's object id, client (application) id and tenant.
 */
export type Caller =
  | { kind: "anonymous" }
  | { kind: "key"; label: string }
  | { kind: "entra"; oid: string; appid: string; tid: string };

/**
 * The caller as a run's `startedBy`: `key:<label>` or `entra:<appid>/<oid>` (the tenant is the
 * configured one). Undefined for an anonymous caller: there is no one to name.
 */
export function startedBy(caller: Caller | undefined): string | undefined {
  if (caller?.kind === "key") return `key:${caller.label}`;
  if (caller?.kind === "entra") return `entra:${caller.appid}/${caller.oid}`;
  return undefined;
}
