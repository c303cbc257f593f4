import { describe, expect, it } from "vitest";
import { UsageError } from "../../cli/cli-error.js";
import { runRequest } from "../../cli/run-input.js";

describe("runRequest", () => {
  it("takes variables from the env file, then --env over them, splitting each entry at its first '='", () => {
    const request = runRequest({ env: ["INPUT=b.csv", "QUERY=a=1&b=2", "EMPTY="], envFile: "INPUT=a.csv\n# note\nMODE='fast'\nexport REGION=\"west\"\n", args: [] }, {});
    expect(request).toEqual({ env: { INPUT: "b.csv", MODE: "fast", REGION: "west", QUERY: "a=1&b=2", EMPTY: "" } });
  });

  it("passes this shell's value on for a name given alone, and refuses a name this shell lacks", () => {
    expect(runRequest({ env: ["TOKEN"], args: [] }, { TOKEN: "t0k" })).toEqual({ env: { TOKEN: "t0k" } });
    expect(() => runRequest({ env: ["TOKEN"], args: [] }, {})).toThrow(UsageError);
    expect(() => runRequest({ env: ["=x"], args: [] }, {})).toThrow(/NAME=VALUE/);
  });

  it("takes the command from --command JSON or from --arg words, never both", () => {
    expect(runRequest({ env: [], command: '["python","job.py"]', args: [] }, {})).toEqual({ env: {}, command: ["python", "job.py"] });
    expect(runRequest({ env: [], args: ["python", "job.py"] }, {})).toEqual({ env: {}, command: ["python", "job.py"] });
    expect(() => runRequest({ env: [], command: '["a"]', args: ["b"] }, {})).toThrow(/not both/);
  });

  it("refuses a --command that is not a non-empty JSON array of strings", () => {
    for (const command of ["python job.py", "[]", '"python"', "[1]", '["a", null]']) {
      expect(() => runRequest({ env: [], command, args: [] }, {}), command).toThrow(UsageError);
    }
  });
});
