import { describe, expect, it } from "vitest";
import { exitCodes } from "../../cli/exit-codes.js";
import { exitCodeOf } from "../../cli/run-outcome.js";

describe("exitCodeOf", () => {
  it("is 0 for a run that succeeded and the run's own exit code for one that failed", () => {
    expect(exitCodeOf({ id: "r", status: "succeeded", exitCode: 0 })).toBe(0);
    expect(exitCodeOf({ id: "r", status: "failed", exitCode: 3 })).toBe(3);
    expect(exitCodeOf({ id: "r", status: "failed", exitCode: 255 })).toBe(255);
  });

  it("is 1 for a failure without a usable exit code, or an end it does not know", () => {
    for (const exitCode of [undefined, 0, -1, 256, 1.5]) expect(exitCodeOf({ id: "r", status: "failed", ...(exitCode === undefined ? {} : { exitCode }) })).toBe(1);
    expect(exitCodeOf({ id: "r", status: "exploded" })).toBe(1);
  });

  it("gives canceled, lost and timed_out runs codes of their own", () => {
    const codes = ["canceled", "lost", "timed_out"].map((status) => exitCodeOf({ id: "r", status }));
    expect(codes).toEqual([exitCodes.canceled, exitCodes.lost, exitCodes.timedOut]);
    expect(new Set([...codes, exitCodes.ok, exitCodes.runFailed, exitCodes.usage, exitCodes.apiError, exitCodes.interrupted]).size).toBe(8);
  });
});
