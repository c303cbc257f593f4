import type { Caller } from "./caller.js";
import type { Logger } from "../logger.js";

/** The per-request values every middleware and route of the app can read from the context. */
export interface AppEnv {
  Variables: {
    requestId: string;
    /** The app's logger bound to this request's id. */
    log: Logger;
    /** Who is calling, set by authentication; unset on open routes called without credentials. */
    caller?: Caller;
    /** Set by run routes so the request's log line names the run. */
    runId?: string;
  };
}
