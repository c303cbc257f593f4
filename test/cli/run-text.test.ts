import pc from "picocolors";
import { describe, expect, it } from "vitest";
import { formatDuration, parseDuration } from "../../cli/duration.js";
import { keysInArgv, redactor } from "../../cli/redact.js";
import { describeRun, runTable } from "../../cli/run-text.js";

const plain = pc.createColors(false);

describe("what the client prints for a person", () => {
  it("describes a run in one line with its exit code, message and time", () => {
    expect(describeRun({ id: "r1", status: "failed", exitCode: 3, message: "Error" }, plain, 65_000)).toBe("run r1 failed · exit code 3 · Error · 1m 05s");
    expect(describeRun({ id: "r1", status: "starting" }, plain)).toBe("run r1 starting");
  });

  it("colours the status only when colours are on", () => {
    expect(describeRun({ id: "r1", status: "succeeded" }, pc.createColors(true))).toBe("run r1 \x1b[32msucceeded\x1b[39m");
  });

  it("lays runs out in aligned columns under a header", () => {
    const table = runTable(
      [
        { id: "a1", status: "running", createdAt: "2024-02-01T00:00:00Z" },
        { id: "b22", status: "failed", exitCode: 3, createdAt: "2024-01-31T00:00:00Z", finishedAt: "2024-01-31T00:01:00Z" },
      ],
      plain,
    );
    expect(table).toBe(
      [
        "ID   STATUS   EXIT  CREATED               FINISHED",
        "a1   running        2024-02-01T00:00:00Z",
        "b22  failed   3     2024-01-31T00:00:00Z  2024-01-31T00:01:00Z",
        "",
      ].join("\n"),
    );
  });
});

describe("durations", () => {
  it("reads a bare number as seconds and knows ms, s, m and h", () => {
    expect(["90", "90s", "500ms", "10m", "2h", "1.5s"].map(parseDuration)).toEqual([90_000, 90_000, 500, 600_000, 7_200_000, 1500]);
    expect(["", "0", "soon", "-1s", "10d"].map(parseDuration)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });

  it("formats in whole seconds", () => {
    expect([0, 999, 42_000, 185_000, 7_260_000].map(formatDuration)).toEqual(["0s", "0s", "42s", "3m 05s", "2h 01m"]);
  });
});

describe("redaction", () => {
  it("finds the keys given with --key before anything parses them", () => {
    expect(keysInArgv(["run", "--key", "k1", "--key=k2", "--keys", "x"])).toEqual(["k1", "k2"]);
  });

  it("replaces every known secret, added at any time", () => {
    const secrets = redactor(["s3cr3t", undefined]);
    secrets.add("other");
    expect(secrets.redact("a s3cr3t and other s3cr3t")).toBe("a [redacted] and [redacted] [redacted]");
  });
});
