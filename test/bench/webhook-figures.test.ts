import { describe, expect, it } from "vitest";
import { deliveryRate, endToReceivedMs } from "../../bench/webhook-figures.js";

describe("webhook figures", () => {
  it("counts a run's latency to its event's first arrival, not to a repeat", () => {
    const figures = endToReceivedMs([
      { id: "msg_a", runId: "r1", eventAtMs: 1_000, receivedAtMs: 1_020 },
      { id: "msg_a", runId: "r1", eventAtMs: 1_000, receivedAtMs: 1_500 },
      { id: "msg_b", runId: "r2", eventAtMs: 2_000, receivedAtMs: 2_040 },
    ]);
    expect(figures).toMatchObject({ n: 2, min: 20, max: 40, median: 30 });
  });

  it("rates distinct deliveries over the span from the first arrival to the last, repeats apart", () => {
    const received = Array.from({ length: 11 }, (_, i) => ({ id: `msg_${i}`, runId: "r", eventAtMs: 0, receivedAtMs: 5_000 + i * 100 }));
    expect(deliveryRate([...received, { ...received[3]!, receivedAtMs: 5_350 }])).toEqual({ deliveries: 11, repeats: 1, durationMs: 1_000, perSecond: 10 });
    expect(() => deliveryRate(received.slice(0, 1))).toThrow(/two arrivals/);
  });
});
