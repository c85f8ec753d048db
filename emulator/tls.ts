import { generateKeyPair } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import forge from 'node-forge';

const generateRsaKeyPair = promisify(generateKeyPair);

/** The PEM material the HTTPS server and its clients need. */
export interface TlsMaterial {
  /** Folder the CA certificate was written to (removed by the caller on stop). */
  dir: string;
  /** Path of the CA certificate in PEM; clients trust it through NODE_EXTRA_CA_CERTS. */
  caCertPath: string;
  caCertPem: string;
  serverCertPem: string;
  serverKeyPem: string;
}

/** Generates an RSA 2048 key pair as PEM strings with node's native crypto. */
export async function generateRsaPem(): Promise<{ publicKey: string; privateKey: string }> {
  // node-forge can generate keys too, but in pure JS that takes seconds; native keygen keeps start fast.
  return generateRsaKeyPair('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' }
  });
}

function randomSerial(): string {
  // A positive serial: clear the sign bit of the first byte.
  const bytes = forge.random.getBytesSync(16);
  const hex = forge.util.bytesToHex(bytes);
  return (parseInt(hex[0], 16) & 0x7).toString(16) + hex.slice(1);
}

function validity(cert: forge.pki.Certificate, days: number): void {
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + days * 86_400_000);
}

/**
 * Creates a throw-away CA and a server certificate for 127.0.0.1, ::1 and localhost, and writes the CA to a
 * fresh temp folder so child processes can trust it.
 */
export async function createTlsMaterial(): Promise<TlsMaterial> {
  const [caKeys, serverKeys] = await Promise.all([generateRsaPem(), generateRsaPem()]);
  const caKey = forge.pki.privateKeyFromPem(caKeys.privateKey);
  const caAttrs = [
    { name: 'commonName', value: 'Local Azure stand-in CA' },
    { name: 'organizationName', value: 'azureml-staged-deploy emulator' }
  ];
  const ca = forge.pki.createCertificate();
  ca.publicKey = forge.pki.publicKeyFromPem(caKeys.publicKey);
  ca.serialNumber = randomSerial();
  validity(ca, 30);
  ca.setSubject(caAttrs);
  ca.setIssuer(caAttrs);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' }
  ]);
  ca.sign(caKey, forge.md.sha256.create());

  const server = forge.pki.createCertificate();
  server.publicKey = forge.pki.publicKeyFromPem(serverKeys.publicKey);
  server.serialNumber = randomSerial();
  validity(server, 30);
  server.setSubject([{ name: 'commonName', value: 'localhost' }]);
  server.setIssuer(caAttrs);
  server.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 7, ip: '127.0.0.1' },
        { type: 7, ip: '::1' },
        { type: 2, value: 'localhost' }
      ]
    },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.generateSubjectKeyIdentifier().getBytes() }
  ]);
  server.sign(caKey, forge.md.sha256.create());

  const dir = await mkdtemp(path.join(tmpdir(), 'azure-emulator-'));
  const caCertPem = forge.pki.certificateToPem(ca);
  const caCertPath = path.join(dir, 'ca.pem');
  await writeFile(caCertPath, caCertPem);
  return {
    dir,
    caCertPath,
    caCertPem,
    serverCertPem: forge.pki.certificateToPem(server),
    serverKeyPem: serverKeys.privateKey
  };
}
