// The test control plane's PKI: a throw-away CA, the API server's serving certificate, the admin client
// certificate (group system:masters) and the service-account signing key. node:crypto can make keys but
// not X.509 certificates, so certificates come from the openssl CLI (present on Debian by default).
import { execFileSync } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ControlPlaneError } from "./errors.ts";

/** Long enough for any test run, short enough that a leaked key is worthless. */
export const certValidityDays = 2;
const opensslTimeoutMs = 30_000;

export interface Pki {
  caCertPath: string;
  caKeyPath: string;
  serverCertPath: string;
  serverKeyPath: string;
  clientCertPath: string;
  clientKeyPath: string;
  serviceAccountKeyPath: string;
  serviceAccountPubPath: string;
}

export interface PkiOptions {
  dir: string;
  /** First address of --service-cluster-ip-range: in-cluster clients reach the API server there. */
  serviceIp: string;
}

export const adminUser = "arkube-test-admin";
export const adminGroup = "system:masters";

export function generatePki(opts: PkiOptions): Pki {
  const { dir } = opts;
  const cnf = join(dir, "openssl.cnf");
  writeFileSync(cnf, opensslConfig(opts.serviceIp));
  const pki: Pki = {
    caCertPath: join(dir, "ca.crt"),
    caKeyPath: join(dir, "ca.key"),
    serverCertPath: join(dir, "apiserver.crt"),
    serverKeyPath: join(dir, "apiserver.key"),
    clientCertPath: join(dir, "admin.crt"),
    clientKeyPath: join(dir, "admin.key"),
    serviceAccountKeyPath: join(dir, "sa.key"),
    serviceAccountPubPath: join(dir, "sa.pub"),
  };
  makeCa(cnf, pki);
  makeLeaf(cnf, pki, "server", "/CN=kube-apiserver", pki.serverCertPath, pki.serverKeyPath);
  makeLeaf(cnf, pki, "client", `/O=${adminGroup}/CN=${adminUser}`, pki.clientCertPath, pki.clientKeyPath);
  writeServiceAccountKeys(pki);
  return pki;
}

export function readClientTls(pki: Pki): { ca: string; cert: string; key: string } {
  return {
    ca: readFileSync(pki.caCertPath, "utf8"),
    cert: readFileSync(pki.clientCertPath, "utf8"),
    key: readFileSync(pki.clientKeyPath, "utf8"),
  };
}

// Own config file so the result does not depend on the distribution's openssl.cnf defaults.
function opensslConfig(serviceIp: string): string {
  const sans = [
    "IP:127.0.0.1",
    `IP:${serviceIp}`,
    "DNS:localhost",
    "DNS:kubernetes",
    "DNS:kubernetes.default",
    "DNS:kubernetes.default.svc",
    "DNS:kubernetes.default.svc.cluster.local",
  ];
  return [
    "[req]",
    "distinguished_name = dn",
    "[dn]",
    "[ca]",
    "basicConstraints = critical,CA:TRUE",
    "keyUsage = critical,keyCertSign,cRLSign,digitalSignature",
    "subjectKeyIdentifier = hash",
    "[server]",
    "basicConstraints = critical,CA:FALSE",
    "keyUsage = critical,digitalSignature,keyEncipherment",
    "extendedKeyUsage = serverAuth",
    `subjectAltName = ${sans.join(",")}`,
    "authorityKeyIdentifier = keyid",
    "[client]",
    "basicConstraints = critical,CA:FALSE",
    "keyUsage = critical,digitalSignature,keyEncipherment",
    "extendedKeyUsage = clientAuth",
    "authorityKeyIdentifier = keyid",
    "",
  ].join("\n");
}

// P-256 keys: generated in milliseconds, accepted by every Kubernetes component.
const ecKeyArgs = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

function makeCa(cnf: string, pki: Pki): void {
  openssl([
    "req", "-x509", "-config", cnf, "-extensions", "ca", ...ecKeyArgs,
    "-keyout", pki.caKeyPath, "-out", pki.caCertPath,
    "-subj", "/CN=arkube-test-ca", "-days", String(certValidityDays),
  ]);
}

function makeLeaf(cnf: string, pki: Pki, ext: "server" | "client", subject: string, cert: string, key: string): void {
  const csr = `${cert}.csr`;
  openssl(["req", "-new", "-config", cnf, ...ecKeyArgs, "-keyout", key, "-out", csr, "-subj", subject]);
  openssl([
    "x509", "-req", "-in", csr, "-CA", pki.caCertPath, "-CAkey", pki.caKeyPath,
    "-set_serial", `0x${randomBytes(16).toString("hex")}`, "-days", String(certValidityDays),
    "-extfile", cnf, "-extensions", ext, "-out", cert,
  ]);
}

function writeServiceAccountKeys(pki: Pki): void {
  const { privateKey, publicKey } = generateKeyPairSync("ec", {
    namedCurve: "prime256v1",
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  writeFileSync(pki.serviceAccountKeyPath, privateKey, { mode: 0o600 });
  writeFileSync(pki.serviceAccountPubPath, publicKey);
}

function openssl(args: string[]): void {
  try {
    execFileSync("openssl", args, { stdio: ["ignore", "pipe", "pipe"], timeout: opensslTimeoutMs });
  } catch (cause) {
    const stderr = (cause as { stderr?: Buffer }).stderr?.toString("utf8").trim() ?? "";
    const hint = (cause as NodeJS.ErrnoException).code === "ENOENT" ? " (openssl not on PATH: apt-get install openssl)" : "";
    throw new ControlPlaneError("OPENSSL_FAILED", `openssl ${args[0]}${hint}: ${stderr || String(cause)}`, { cause });
  }
}
