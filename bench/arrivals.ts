import type { RecordedRequest } from "../emulator/index.js";

/**
 * The emulator records no arrival times, so each record it pushes is stamped here. It pushes a
 * request's record as it arrives, right before it reads its clock to plan the deployment, so a
 * PUT's stamp is the instant its run starts (the pool's emulator has no provisioning phases).
 * `onArrival` runs at that instant too, for what must be read exactly then.
 */
export function stampArrivals(requests: RecordedRequest[], onArrival?: (request: RecordedRequest) => void): { arrivals: Map<RecordedRequest, number>; restore(): void } {
  const arrivals = new Map<RecordedRequest, number>();
  const push = requests.push;
  Object.defineProperty(requests, "push", {
    configurable: true,
    value: (...items: RecordedRequest[]) => {
      const now = Date.now();
      for (const item of items) {
        arrivals.set(item, now);
        onArrival?.(item);
      }
      return push.apply(requests, items);
    },
  });
  return { arrivals, restore: () => void delete (requests as { push?: unknown }).push };
}
