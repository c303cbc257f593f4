import { execFile } from "node:child_process";
import { X509Certificate, createPrivateKey } from "node:crypto";
import { readFileSync } from "node:fs";
import tls from "node:tls";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateTlsMaterial, startEmulator, trustCertificate, type Emulator } from "../../emulator/index.js";
import { emulatorClientEnv, startTestEmulator } from "../helpers/emulator.js";

const run = promisify(execFile);
let emulator: Emulator;

beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(() => emulator.close());

/** Node's own TLS check from a fresh process: prints the status code or the error code. */
const probe = `fetch(process.argv[1]).then((r) => console.log(r.status), (e) => console.log(e.cause?.code ?? e.message))`;

describe("TLS material", () => {
  it("generates a certificate for 127.0.0.1 and localhost that is its own CA, with its matching key", () => {
    const material = generateTlsMaterial();
    const cert = new X509Certificate(material.cert);
    expect(cert.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(cert.checkHost("localhost")).toBe("localhost");
    expect(cert.ca).toBe(true);
    expect(cert.checkPrivateKey(createPrivateKey(material.key))).toBe(true);
    expect(cert.verify(cert.publicKey)).toBe(true);
  });

  it("generates certificates that OpenSSL always reads (a serial is a minimal positive DER integer)", () => {
    // One in about 500 was unreadable while a serial could start with a zero byte: 3,000 find it.
    for (let i = 0; i < 3_000; i++) expect(() => new X509Certificate(generateTlsMaterial().cert)).not.toThrow();
  });

  it("reaches the forked test worker at startup through NODE_EXTRA_CA_CERTS set by globalSetup", () => {
    const file = process.env.NODE_EXTRA_CA_CERTS;
    expect(file).toBeDefined();
    const cert = new X509Certificate(readFileSync(`${process.env.EMULATOR_TLS_DIR}/cert.pem`));
    const extra = tls.getCACertificates("extra").map((pem) => new X509Certificate(pem).fingerprint256);
    expect(extra).toContain(cert.fingerprint256);
  });

  it("is trusted by a child process that inherits the environment, and by no other", async () => {
    const trusted = await run(process.execPath, ["-e", probe, `${emulator.url}/msi/token`], { env: process.env });
    expect(trusted.stdout.trim()).toBe("401");
    const { NODE_EXTRA_CA_CERTS: _dropped, ...without } = process.env;
    const untrusted = await run(process.execPath, ["-e", probe, `${emulator.url}/msi/token`], { env: without });
    expect(untrusted.stdout.trim()).toBe("DEPTH_ZERO_SELF_SIGNED_CERT");
  });

  it("makes a new certificate trusted in-process with trustCertificate", async () => {
    const material = generateTlsMaterial();
    const own = await startEmulator({ tls: material });
    try {
      const before = await fetch(own.identityEndpoint).then((r) => r.status, (e: { cause?: { code?: string } }) => e.cause?.code);
      expect(before).toBe("DEPTH_ZERO_SELF_SIGNED_CERT");
      trustCertificate(material.ca);
      expect((await fetch(own.identityEndpoint)).status).toBe(401);
      expect(own.caCertPem).toBe(material.ca);
    } finally {
      await own.close();
    }
  });
});

describe("emulatorClientEnv", () => {
  it("gives a clean child process all it needs to get a token from the emulator", async () => {
    const script = `fetch(process.env.IDENTITY_ENDPOINT + "?api-version=2019-08-01&resource=r", { headers: { "X-IDENTITY-HEADER": process.env.IDENTITY_HEADER } }).then((r) => console.log(r.status), (e) => console.log(e.cause?.code ?? e.message))`;
    const { stdout } = await run(process.execPath, ["-e", script], { env: { PATH: process.env.PATH, ...emulatorClientEnv(emulator) } });
    expect(stdout.trim()).toBe("200");
  });
});
