import { cloudError, transitioningMessage, type Reply } from "./cloud-error.js";

/**
 * A failure to inject into the next `count` matching requests (default 1), after which it is gone.
 * A fault with `status` answers with a CloudError instead of the real handler; `delayMs` holds the
 * request first (alone, the request then proceeds normally), and `until` holds it until that
 * promise settles (a test releases it when its checks are done); `drop` destroys the socket without
 * any response. With `afterApply`, the request is handled first (a PUT creates, a stop stops) and
 * only its answer is lost (`drop`) or replaced (`status`): what a client sees when ARM applied an
 * operation but the answer never reached it. Faults match ARM requests only, unless
 * `identity: true` aims them at the token endpoint instead.
 */
export interface Fault {
  status?: number;
  /** ARM error code of the CloudError body; a default per status otherwise. */
  code?: string;
  /** Default: ARM's own text for ContainerGroupTransitioning, else "Injected fault: <code>." */
  message?: string;
  retryAfterSeconds?: number;
  count?: number;
  method?: string;
  /** A RegExp tested against the path, or a case-insensitive substring of it. */
  path?: RegExp | string;
  delayMs?: number;
  until?: Promise<unknown>;
  drop?: boolean;
  afterApply?: boolean;
  identity?: boolean;
}

/** What the server must do with one request because of a fault. */
export interface FaultEffect {
  delayMs: number;
  until?: Promise<unknown>;
  drop: boolean;
  afterApply: boolean;
  reply?: Reply;
}

const defaultCodes: Record<number, string> = {
  409: "Conflict",
  429: "TooManyRequests",
  500: "InternalServerError",
  502: "BadGateway",
  503: "ServiceUnavailable",
  504: "GatewayTimeout",
};

interface ArmedFault {
  fault: Fault;
  remaining: number;
}

export class FaultList {
  #armed: ArmedFault[] = [];

  add(fault: Fault): void {
    const count = fault.count ?? 1;
    if (!Number.isInteger(count) || count < 1) throw new RangeError("fault.count must be a positive integer");
    this.#armed.push({ fault, remaining: count });
  }

  clear(): void {
    this.#armed = [];
  }

  /** Consumes the first fault matching this request, if any, and says what it does. */
  take(method: string, path: string, identity: boolean): FaultEffect | undefined {
    const armed = this.#armed.find((a) => matches(a.fault, method, path, identity));
    if (!armed) return undefined;
    armed.remaining -= 1;
    if (armed.remaining === 0) this.#armed = this.#armed.filter((a) => a !== armed);
    return effectOf(armed.fault, path);
  }
}

function matches(fault: Fault, method: string, path: string, identity: boolean): boolean {
  if ((fault.identity ?? false) !== identity) return false;
  if (fault.method && fault.method.toUpperCase() !== method.toUpperCase()) return false;
  if (fault.path instanceof RegExp) return fault.path.test(path);
  if (typeof fault.path === "string") return path.toLowerCase().includes(fault.path.toLowerCase());
  return true;
}

function effectOf(fault: Fault, path: string): FaultEffect {
  const effect: FaultEffect = { delayMs: fault.delayMs ?? 0, ...(fault.until ? { until: fault.until } : {}), drop: fault.drop ?? false, afterApply: fault.afterApply ?? false };
  if (fault.status !== undefined) {
    const code = fault.code ?? defaultCodes[fault.status] ?? "InjectedFault";
    const group = /\/containerGroups\/([^/]+)/i.exec(path)?.[1] ?? "";
    const realistic = code === "ContainerGroupTransitioning" ? transitioningMessage(decodeURIComponent(group)) : undefined;
    const message = fault.message ?? realistic ?? `Injected fault: ${code}.`;
    const headers = fault.retryAfterSeconds === undefined ? undefined : { "retry-after": String(fault.retryAfterSeconds) };
    effect.reply = cloudError(fault.status, code, message, headers);
  }
  return effect;
}

