import type { WireContainerGroup } from "./arm-types.js";

/**
 * The narrow port through which the run service reaches ARM for its one container group.
 * `aci.ts` implements it over the Azure SDK; route tests use an in-memory fake.
 *
 * Failures are thrown as `RestError` from `@azure/core-rest-pipeline` (with `statusCode`, the
 * ARM error `code`, and the response whose headers may carry `Retry-After`), exactly as the
 * SDK throws them, so one error mapping serves the real client and the fakes.
 */
export interface ContainerGroupPort {
  /** GET the group as raw wire JSON; secret values are absent, as ARM never returns them. */
  read(): Promise<WireContainerGroup>;
  /** One PUT of a complete definition; resolves once ARM has accepted it (200 or 201). */
  replace(body: WireContainerGroup): Promise<WireContainerGroup>;
  /** Stop the group (synchronous in ARM). */
  stop(): Promise<void>;
  /** The logs of one container; `tail` limits them to the last N lines. */
  logs(container: string, tail?: number): Promise<string>;
}
