// The local certificate authority: every HTTPS server of the local stack (Azurite, the emulators) gets a
// certificate from it, and every client trusts it through NODE_EXTRA_CA_CERTS — TLS is verified, never
// switched off. The CA key is generated at start, kept in a 0600 file under the stack's state folder and
// never committed (.local/ is git-ignored).
import "reflect-metadata"; // @peculiar/x509 resolves its ASN.1 services through tsyringe, which needs it
import * as x509 from "@peculiar/x509";
import { webcrypto, randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile, access } from "node:fs/promises";
import { join } from "node:path";

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const signingAlgorithm = {
  name: "RSASSA-PKCS1-v1_5",
  hash: "SHA-256",
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
} as const;

const caLifetimeMs = 30 * 24 * 3600 * 1000;
const leafLifetimeMs = 7 * 24 * 3600 * 1000;

export interface ServerCertificate {
  readonly certPem: string;
  readonly keyPem: string;
  readonly certPath: string;
  readonly keyPath: string;
}

export interface LocalCa {
  /** The CA certificate file: point NODE_EXTRA_CA_CERTS (or any client) at it. */
  readonly caPath: string;
  readonly caPem: string;
  /** Issues a server certificate for loopback names, written next to the CA under `name`. */
  issueServerCertificate(name: string, hosts?: readonly string[]): Promise<ServerCertificate>;
}

const defaultHosts = ["localhost", "127.0.0.1", "::1"] as const;

function serialNumber(): string {
  // Positive 64-bit serial: clear the top bit so DER does not read it as negative.
  const bytes = randomBytes(8);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString("hex");
}

async function exportKeyPem(key: CryptoKey): Promise<string> {
  const pkcs8 = await webcrypto.subtle.exportKey("pkcs8", key);
  const body = Buffer.from(pkcs8)
    .toString("base64")
    .replace(/(.{64})/g, "$1\n")
    .trimEnd();
  return `-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----\n`;
}

async function importKeyPem(pem: string): Promise<CryptoKey> {
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""), "base64");
  return webcrypto.subtle.importKey("pkcs8", der, signingAlgorithm, true, ["sign"]);
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/**
 * Creates the CA in `dir`, or reuses the one already there while it is valid for at least a day
 * (so a browser or curl that was told to trust `.local/ca.pem` keeps working across restarts).
 */
export async function createLocalCa(dir: string): Promise<LocalCa> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const caPath = join(dir, "ca.pem");
  const caKeyPath = join(dir, "ca.key");

  let caCert: x509.X509Certificate | undefined;
  let caKey: CryptoKey | undefined;
  if ((await exists(caPath)) && (await exists(caKeyPath))) {
    const existing = new x509.X509Certificate(await readFile(caPath, "utf8"));
    if (existing.notAfter.getTime() - Date.now() > 24 * 3600 * 1000) {
      caCert = existing;
      caKey = await importKeyPem(await readFile(caKeyPath, "utf8"));
    }
  }
  if (!caCert || !caKey) {
    const keys = await webcrypto.subtle.generateKey(signingAlgorithm, true, ["sign", "verify"]);
    const now = Date.now();
    caCert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: serialNumber(),
      name: "CN=identity-probe local CA, O=identity-probe (development only)",
      notBefore: new Date(now - 60_000),
      notAfter: new Date(now + caLifetimeMs),
      keys,
      signingAlgorithm,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    });
    caKey = keys.privateKey;
    await writeFile(caKeyPath, await exportKeyPem(caKey), { mode: 0o600 });
    await writeFile(caPath, caCert.toString("pem") + "\n", { mode: 0o644 });
  }

  const issuerCert = caCert;
  const issuerKey = caKey;
  return {
    caPath,
    caPem: issuerCert.toString("pem") + "\n",
    async issueServerCertificate(name, hosts = defaultHosts) {
      const keys = await webcrypto.subtle.generateKey(signingAlgorithm, true, ["sign", "verify"]);
      const now = Date.now();
      const cert = await x509.X509CertificateGenerator.create({
        serialNumber: serialNumber(),
        subject: `CN=${hosts[0] ?? "localhost"}`,
        issuer: issuerCert.subject,
        notBefore: new Date(now - 60_000),
        notAfter: new Date(now + leafLifetimeMs),
        signingKey: issuerKey,
        publicKey: keys.publicKey,
        signingAlgorithm,
        extensions: [
          new x509.BasicConstraintsExtension(false, undefined, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
          new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
          new x509.SubjectAlternativeNameExtension(
            hosts.map((host) => (/^[\d.]+$|:/.test(host) ? { type: "ip" as const, value: host } : { type: "dns" as const, value: host })),
          ),
          await x509.AuthorityKeyIdentifierExtension.create(issuerCert),
        ],
      });
      const certPem = cert.toString("pem") + "\n" + issuerCert.toString("pem") + "\n";
      const keyPem = await exportKeyPem(keys.privateKey);
      const certPath = join(dir, `${name}.pem`);
      const keyPath = join(dir, `${name}.key`);
      await writeFile(certPath, certPem, { mode: 0o644 });
      await writeFile(keyPath, keyPem, { mode: 0o600 });
      return { certPem, keyPem, certPath, keyPath };
    },
  };
}

/**
 * Writes a trust bundle: the local CA plus whatever NODE_EXTRA_CA_CERTS already named (a corporate
 * proxy's CA, say), so pointing NODE_EXTRA_CA_CERTS at the bundle loses nothing.
 */
export async function writeTrustBundle(ca: LocalCa, existingExtraCaPath: string | undefined, bundlePath: string): Promise<string> {
  let bundle = ca.caPem;
  if (existingExtraCaPath && existingExtraCaPath !== bundlePath && (await exists(existingExtraCaPath))) {
    bundle += "\n" + (await readFile(existingExtraCaPath, "utf8"));
  }
  await writeFile(bundlePath, bundle, { mode: 0o644 });
  return bundlePath;
}
