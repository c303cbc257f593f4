import { RestError } from "@azure/core-rest-pipeline";
import { describe, expect, it } from "vitest";
import { retryWhileTransitioning } from "../../service/arm/transitioning-retry.js";

const transitioning = () =>
  new RestError("The container group 'g' is still transitioning, please retry later.", {
    statusCode: 409,
    code: "ContainerGroupTransitioning",
  });

/** A virtual clock: sleeping advances time instantly, and every wait is recorded. */
function clock() {
  let now = 0;
  const waits: number[] = [];
  return {
    waits,
    now: () => now,
    sleep: async (ms: number) => {
      waits.push(ms);
      now += ms;
    },
  };
}

describe("retryWhileTransitioning", () => {
  it("retries a transitioning group with doubling waits until the operation succeeds", async () => {
    const time = clock();
    let calls = 0;
    const result = await retryWhileTransitioning(
      async () => {
        calls += 1;
        if (calls < 4) throw transitioning();
        return "accepted";
      },
      { deadline: 60_000, initialDelayMs: 1_000, ...time },
    );
    expect(result).toBe("accepted");
    expect(calls).toBe(4);
    expect(time.waits).toEqual([1_000, 2_000, 4_000]);
  });

  it("gives up with ARM's own error once the next wait would pass the deadline", async () => {
    const time = clock();
    let calls = 0;
    const outcome = retryWhileTransitioning(
      async () => {
        calls += 1;
        throw transitioning();
      },
      { deadline: 5_000, initialDelayMs: 1_000, ...time },
    );
    await expect(outcome).rejects.toMatchObject({ statusCode: 409, code: "ContainerGroupTransitioning" });
    expect(time.waits).toEqual([1_000, 2_000]);
    expect(calls).toBe(3);
    expect(time.now()).toBeLessThanOrEqual(5_000);
  });

  it("caps each wait at the maximum delay", async () => {
    const time = clock();
    await expect(
      retryWhileTransitioning(
        async () => {
          throw transitioning();
        },
        { deadline: 40_000, initialDelayMs: 4_000, maxDelayMs: 5_000, ...time },
      ),
    ).rejects.toBeInstanceOf(RestError);
    expect(time.waits.every((ms) => ms <= 5_000)).toBe(true);
    expect(time.waits.slice(0, 3)).toEqual([4_000, 5_000, 5_000]);
  });

  it("does not retry any other error", async () => {
    const time = clock();
    let calls = 0;
    const conflict = new RestError("conflict", { statusCode: 409, code: "Conflict" });
    await expect(
      retryWhileTransitioning(
        async () => {
          calls += 1;
          throw conflict;
        },
        { deadline: 60_000, ...time },
      ),
    ).rejects.toBe(conflict);
    expect(calls).toBe(1);
    expect(time.waits).toEqual([]);
  });
});
