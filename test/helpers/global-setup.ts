import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateTlsMaterial } from "../../emulator/index.js";

/**
 * Vitest globalSetup: one emulator certificate for the whole run, written to a temp dir. The
 * forked workers, and any process they spawn, inherit NODE_EXTRA_CA_CERTS (read by Node at start)
 * and find the cert and key through EMULATOR_TLS_DIR. A CA bundle already named by
 * NODE_EXTRA_CA_CERTS is kept in the new bundle.
 */
export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), "aci-emulator-tls-"));
  const tls = generateTlsMaterial();
  const previous = process.env.NODE_EXTRA_CA_CERTS;
  const inherited = previous && existsSync(previous) ? readFileSync(previous, "utf8") : "";
  writeFileSync(join(dir, "ca.pem"), tls.ca + (inherited ? `\n${inherited}` : ""));
  writeFileSync(join(dir, "cert.pem"), tls.cert);
  writeFileSync(join(dir, "key.pem"), tls.key, { mode: 0o600 });
  process.env.NODE_EXTRA_CA_CERTS = join(dir, "ca.pem");
  process.env.EMULATOR_TLS_DIR = dir;
  return () => {
    rmSync(dir, { recursive: true, force: true });
    if (previous === undefined) delete process.env.NODE_EXTRA_CA_CERTS;
    else process.env.NODE_EXTRA_CA_CERTS = previous;
    delete process.env.EMULATOR_TLS_DIR;
  };
}
