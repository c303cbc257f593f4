import type { WireContainerGroup } from "../core/arm-types.js";
import type { RecreateRefusal } from "../core/recreate-body.js";
import type { ServiceError } from "../core/service-error.js";
import type { WireClaim } from "../core/standby-claim.js";
import type { GroupLease, Stored } from "../store/run-store.js";

/** A group read from ARM, judged for one run: the PUT body, the group it goes to and the base to keep, or why not. */
export type Prepared =
  | { ok: true; body: WireContainerGroup | WireClaim; group: string; lease: Stored<GroupLease> }
  | { ok: false; busy: true; missing?: ServiceError }
  | { ok: false; busy: false; refusal: RecreateRefusal };
