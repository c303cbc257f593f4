import { createHash, generateKeyPairSync, randomBytes, sign } from "node:crypto";
import tls from "node:tls";

/** PEM TLS material for the emulator: `ca` is what a client must trust (here the certificate itself). */
export interface TlsMaterial {
  cert: string;
  key: string;
  ca: string;
}

/**
 * Generates a self-signed P-256 certificate for 127.0.0.1 and localhost that is its own CA, so a
 * client trusts it by loading the same PEM through NODE_EXTRA_CA_CERTS or `trustCertificate`.
 * Written with node:crypto and a tiny DER writer so that `npm start` needs no extra dependency.
 */
export function generateTlsMaterial(validDays = 30): TlsMaterial {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const spki = publicKey.export({ type: "spki", format: "der" });
  const keyId = createHash("sha1").update(spki).digest();
  const name = seq(set(seq(oid("2.5.4.3"), tlv(0x0c, Buffer.from("aci-http-trigger emulator")))));
  const ecdsaWithSha256 = seq(oid("1.2.840.10045.4.3.2"));
  const now = Date.now();
  const extensions = [
    extension("2.5.29.19", true, seq(tlv(0x01, Buffer.from([0xff])))),
    // digitalSignature (bit 0) for the TLS handshake, keyCertSign (bit 5) because it is its own CA.
    extension("2.5.29.15", true, tlv(0x03, Buffer.from([0x02, 0x84]))),
    extension("2.5.29.37", false, seq(oid("1.3.6.1.5.5.7.3.1"))),
    extension("2.5.29.17", false, seq(tlv(0x82, Buffer.from("localhost")), tlv(0x87, Buffer.from([127, 0, 0, 1])))),
    extension("2.5.29.14", false, tlv(0x04, keyId)),
    extension("2.5.29.35", false, seq(tlv(0x80, keyId))),
  ];
  // A DER INTEGER is positive and minimal: a first byte of 0x01–0x7f is neither negative nor padding
  // (a first byte of 0 made about one certificate in 500 unreadable: "ASN1 lib", illegal padding).
  const serial = randomBytes(16);
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x01;
  const tbs = seq(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))),
    tlv(0x02, serial),
    ecdsaWithSha256,
    name,
    seq(utcTime(new Date(now - 3_600_000)), utcTime(new Date(now + validDays * 86_400_000))),
    name,
    spki,
    tlv(0xa3, seq(...extensions)),
  );
  const signature = sign("sha256", tbs, privateKey);
  const der = seq(tbs, ecdsaWithSha256, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const cert = toPem("CERTIFICATE", der);
  return { cert, key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(), ca: cert };
}

/**
 * Adds a CA to this process's default trust store (Node 24 `tls.setDefaultCACertificates`), for
 * code that runs in the same process as the emulator and was started without NODE_EXTRA_CA_CERTS.
 */
export function trustCertificate(pem: string): void {
  const current = tls.getCACertificates("default");
  if (current.includes(pem)) return;
  tls.setDefaultCACertificates([...current, pem]);
}

function tlv(tag: number, content: Buffer): Buffer {
  const n = content.length;
  let length: Buffer;
  if (n < 0x80) length = Buffer.from([n]);
  else {
    const bytes: number[] = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
    length = Buffer.from([0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([Buffer.from([tag]), length, content]);
}

function seq(...items: Buffer[]): Buffer {
  return tlv(0x30, Buffer.concat(items));
}

function set(...items: Buffer[]): Buffer {
  return tlv(0x31, Buffer.concat(items));
}

function oid(dotted: string): Buffer {
  const parts = dotted.split(".").map(Number);
  const bytes = [40 * (parts[0] ?? 0) + (parts[1] ?? 0)];
  for (const part of parts.slice(2)) {
    const chunk = [part & 0x7f];
    for (let v = Math.floor(part / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return seq(oid(id), ...(critical ? [tlv(0x01, Buffer.from([0xff]))] : []), tlv(0x04, value));
}

function utcTime(date: Date): Buffer {
  const iso = date.toISOString();
  const text = iso.slice(2, 4) + iso.slice(5, 7) + iso.slice(8, 10) + iso.slice(11, 13) + iso.slice(14, 16) + iso.slice(17, 19) + "Z";
  return tlv(0x17, Buffer.from(text));
}

function toPem(label: string, der: Buffer): string {
  const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}
