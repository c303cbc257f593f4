import { describe, expect, it } from "vitest";
import { UsageError } from "../../cli/cli-error.js";
import { resolveConnection, type StackReader } from "../../cli/connection.js";

const key = "key-0123456789abcdef";
const noStack: StackReader = () => Promise.reject(new Error("no stack should be read"));
const stack = (outputs: { url?: string; apiKey?: string }) => {
  const read: StackReader & { names: string[] } = Object.assign((name: string) => (read.names.push(name), Promise.resolve(outputs)), { names: [] as string[] });
  return read;
};

describe("resolveConnection", () => {
  it("takes --url and --key first, then the environment", async () => {
    expect(await resolveConnection({ url: "https://a.example/", key }, { TRIGGER_URL: "https://b.example", TRIGGER_KEY: "other" }, noStack)).toEqual({ url: "https://a.example", key });
    expect(await resolveConnection({}, { TRIGGER_URL: "http://127.0.0.1:8080/base/", TRIGGER_KEY: key }, noStack)).toEqual({ url: "http://127.0.0.1:8080/base", key });
    expect(await resolveConnection({ key }, { TRIGGER_URL: "https://b.example" }, noStack)).toEqual({ url: "https://b.example", key });
  });

  it("reads the stack only for what the flags left out, and prefers it to the environment", async () => {
    const read = stack({ url: "https://stack.example", apiKey: "stack-key-0123456789" });
    expect(await resolveConnection({ stack: "prod" }, { TRIGGER_URL: "https://env.example", TRIGGER_KEY: key }, read)).toEqual({ url: "https://stack.example", key: "stack-key-0123456789" });
    expect(await resolveConnection({ stack: "prod", key }, {}, read)).toEqual({ url: "https://stack.example", key });
    expect(read.names).toEqual(["prod", "prod"]);

    const unused = stack({});
    await resolveConnection({ stack: "prod", url: "https://a.example", key }, {}, unused);
    expect(unused.names).toEqual([]);
  });

  it("refuses a stack without the trigger's outputs", async () => {
    await expect(resolveConnection({ stack: "other" }, {}, stack({ url: "https://x.example" }))).rejects.toThrow("Stack other has no 'apiKey' output");
  });

  it("says in one line what is missing when nothing names the service", async () => {
    await expect(resolveConnection({}, {}, noStack)).rejects.toThrow(new UsageError("No service URL: set TRIGGER_URL (and TRIGGER_KEY), or pass --stack NAME (or --url and --key)."));
    await expect(resolveConnection({ key }, {}, noStack)).rejects.toThrow(/^No service URL: /);
  });

  it("connects without a key when none is given, for a service that admits callers without one", async () => {
    expect(await resolveConnection({}, { TRIGGER_URL: "http://localhost:8080" }, noStack)).toEqual({ url: "http://localhost:8080" });
  });

  it("refuses URLs it must not call and keys a header cannot carry, never quoting the key", async () => {
    for (const url of ["ftp://a.example", "not a url", "https://user:pw@a.example", "https://a.example/?q=1"]) {
      await expect(resolveConnection({ url, key }, {}, noStack), url).rejects.toThrow(UsageError);
    }
    const badKey = "secret with spaces";
    const error = await resolveConnection({ url: "https://a.example", key: badKey }, {}, noStack).catch((e: Error) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).not.toContain(badKey);
  });
});
