import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { expect, it } from "vitest";

const run = promisify(execFile);

it("starts alone, prints what a client needs, serves the seeded demo group and stops on SIGTERM", async () => {
  const child = spawn(process.execPath, ["--import", "tsx", "emulator/cli.ts"], {
    env: { ...process.env, ACI_RESOURCE_GROUP: "cli-rg", ACI_CONTAINER_GROUP: "cli-group" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    const lines: Array<Record<string, string>> = [];
    for await (const line of createInterface({ input: child.stdout! })) {
      lines.push(JSON.parse(line) as Record<string, string>);
      if (lines.length === 2) break;
    }
    const env = lines[1]!;
    expect(env).toMatchObject({ msg: "client environment", ARM_ENDPOINT: expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+$/) });
    expect(existsSync(env.NODE_EXTRA_CA_CERTS!)).toBe(true);
    // A fresh process configured only by what the CLI printed, as `npm start` would be.
    const script = `
      const e = process.env;
      const t = await (await fetch(e.IDENTITY_ENDPOINT + "?api-version=2019-08-01&resource=r", { headers: { "X-IDENTITY-HEADER": e.IDENTITY_HEADER } })).json();
      const g = await (await fetch(e.GROUP_URL, { headers: { authorization: "Bearer " + t.access_token } })).json();
      console.log(JSON.stringify({ state: g.properties.instanceView.state, containers: g.properties.containers.length }));`;
    const groupUrl = `${env.ARM_ENDPOINT}/subscriptions/${lines[0]!.subscriptionId}/resourceGroups/cli-rg/providers/Microsoft.ContainerInstance/containerGroups/cli-group?api-version=2023-05-01`;
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], {
      env: { PATH: process.env.PATH, IDENTITY_ENDPOINT: env.IDENTITY_ENDPOINT, IDENTITY_HEADER: env.IDENTITY_HEADER, NODE_EXTRA_CA_CERTS: env.NODE_EXTRA_CA_CERTS, GROUP_URL: groupUrl },
    });
    expect(JSON.parse(stdout)).toEqual({ state: "Succeeded", containers: 2 });
    child.kill("SIGTERM");
    const [code] = await once(child, "exit");
    expect(code).toBe(0);
    expect(existsSync(env.NODE_EXTRA_CA_CERTS!)).toBe(false);
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
  }
});

it("refuses a standby timing that is no whole number of milliseconds, naming the variable and not its value", async () => {
  const failed = await run(process.execPath, ["--import", "tsx", "emulator/cli.ts"], { env: { ...process.env, EMULATOR_REFILL_MS: "soon-ish" } }).catch((error: { code: number; stderr: string }) => error);
  expect("code" in failed && failed.code).toBe(1);
  expect(failed.stderr).toContain("EMULATOR_REFILL_MS must be a whole number of milliseconds");
  expect(failed.stderr).not.toContain("soon-ish");
});
