import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator/index.js";
import { jobGroup, startTestEmulator, testResourceGroup, testSubscriptionId, testTls } from "../helpers/emulator.js";
import { finishedRun } from "../helpers/finished-run.js";
import { startServiceProcess, type ServiceProcess } from "../helpers/service-process.js";
import { triggerEnv } from "../helpers/trigger-env.js";

const apiKey = "insights-key-0123456789abcdef";
const secureValue = "s3cret-insights-value";
const auth = { authorization: `Bearer ${apiKey}` };

/**
 * An Application Insights ingestion endpoint on 127.0.0.1 that keeps the envelopes it is sent,
 * over HTTPS (the exporter sends nothing else) on the certificate the service process trusts.
 */
async function startIngestion() {
  const envelopes: Array<Record<string, any>> = [];
  const { cert, key } = testTls();
  const server = createServer({ cert, key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const text = (req.headers["content-encoding"] === "gzip" ? gunzipSync(body) : body).toString("utf8");
      const parsed = JSON.parse(text) as unknown;
      const batch = (Array.isArray(parsed) ? parsed : [parsed]) as Array<Record<string, any>>;
      envelopes.push(...batch);
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ itemsReceived: batch.length, itemsAccepted: batch.length, errors: [] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `https://127.0.0.1:${port}/`, envelopes, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe("telemetry sent to Application Insights by the bundled service", () => {
  let emulator: Emulator;
  let ingestion: Awaited<ReturnType<typeof startIngestion>>;
  let service: ServiceProcess;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    ingestion = await startIngestion();
    emulator.putGroup(testSubscriptionId, testResourceGroup, "job", jobGroup([{ name: "DB_PASSWORD", secureValue }]), { terminated: true });
    service = await startServiceProcess(
      triggerEnv(emulator, "job", {
        TRIGGER_API_KEYS: apiKey,
        ACI_SECRETS: JSON.stringify({ env: { job: { DB_PASSWORD: secureValue } } }),
        APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=00000000-0000-0000-0000-0000000000aa;IngestionEndpoint=${ingestion.url}`,
        // The distro's own usage reports go to a fixed Microsoft endpoint, unreachable from a test.
        APPLICATIONINSIGHTS_STATSBEAT_DISABLED_ALL: "true",
      }),
    );
    await finishedRun(service.url, auth);
    // Shutdown sends what is batched: the assertions wait for that event.
    expect(await service.stop()).toBe(0);
  });

  afterAll(async () => {
    await service?.stop();
    await ingestion?.close();
    await emulator?.close();
  });

  it("records POST /runs as a request whose ARM calls are dependencies of the same operation", () => {
    const request = ingestion.envelopes.find((e) => e["data"]?.baseType === "RequestData" && e["data"].baseData.name === "POST /runs");
    expect(request, service.output().slice(-3000)).toBeDefined();
    const operation = request!["tags"]["ai.operation.id"];
    const dependencies = ingestion.envelopes.filter((e) => e["data"]?.baseType === "RemoteDependencyData" && e["tags"]["ai.operation.id"] === operation);
    expect(dependencies.map((e) => String(e["data"].baseData.target ?? ""))).toEqual(expect.arrayContaining([expect.stringContaining(new URL(emulator.url).host)]));
    expect(ingestion.envelopes.some((e) => e["data"]?.baseType === "MessageData" && e["tags"]["ai.operation.id"] === operation)).toBe(true);
  });

  it("sends no key, secure value or identity secret", () => {
    const sent = JSON.stringify(ingestion.envelopes);
    const tokens = emulator.requests.map((r) => r.headers["authorization"]?.replace(/^Bearer /, "")).filter((t): t is string => Boolean(t));
    for (const secret of [apiKey, secureValue, emulator.identityHeader, ...new Set(tokens)]) expect(sent).not.toContain(secret);
  });
});
