import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A PEM certificate with its private key, and where both were written. */
export interface IssuedCertificate {
  cert: string;
  key: string;
  certFile: string;
  keyFile: string;
  /** SHA-256 of the DER certificate, base64url: RFC 8705 `x5t#S256`. */
  thumbprint: string;
  /** The DER certificate, base64: the inside of an RFC 9440 `Client-Cert` header. */
  derBase64: string;
}

export interface TestCertificateAuthority extends IssuedCertificate {
  /** Issues a certificate for a TLS server (serverAuth) with these SANs. */
  issueServer(name: string, subjectAltNames: readonly string[]): IssuedCertificate;
  /** Issues a client certificate (clientAuth) with these SANs, e.g. `DNS:client.example.com`, `URI:spiffe://…`. */
  issueClient(name: string, subjectAltNames?: readonly string[]): IssuedCertificate;
}

/**
 * Test PKI made with the `openssl` CLI in a temporary directory (P-256 keys, one day of validity).
 * Nothing is written into the repository; call `cleanup()` when done.
 */
export class TestPki {
  readonly dir = mkdtempSync(join(tmpdir(), 'infergate-pki-'));
  private counter = 0;

  /** A self-signed CA that can issue server and client certificates. */
  createAuthority(commonName: string): TestCertificateAuthority {
    const base = this.nextName(commonName);
    const keyFile = join(this.dir, `${base}.key`);
    const certFile = join(this.dir, `${base}.crt`);
    openssl([
      'req',
      '-x509',
      ...newKey(keyFile),
      '-out',
      certFile,
      '-subj',
      `/O=infergate tests/CN=${commonName}`,
      '-days',
      '1',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    const authority = describe(certFile, keyFile);
    const issue = (name: string, usage: string, sans: readonly string[]): IssuedCertificate => this.issue(authority, name, usage, sans);
    return {
      ...authority,
      issueServer: (name, sans) => issue(name, 'serverAuth', sans),
      issueClient: (name, sans = []) => issue(name, 'clientAuth', sans),
    };
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private issue(authority: IssuedCertificate, commonName: string, usage: string, sans: readonly string[]): IssuedCertificate {
    const base = this.nextName(commonName);
    const keyFile = join(this.dir, `${base}.key`);
    const csrFile = join(this.dir, `${base}.csr`);
    const certFile = join(this.dir, `${base}.crt`);
    const extFile = join(this.dir, `${base}.ext`);
    const extensions = ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature', `extendedKeyUsage=${usage}`];
    // A section of its own, so that a SAN value may contain a comma.
    const altNames = sans.map((san, index) => {
      const [type, ...value] = san.split(':');
      return `${OPENSSL_SAN_TYPES[type] ?? type}.${index} = ${value.join(':')}`;
    });
    if (sans.length > 0) extensions.push('subjectAltName = @alt_names', '[alt_names]', ...altNames);
    writeFileSync(extFile, `${extensions.join('\n')}\n`);
    openssl(['req', '-new', ...newKey(keyFile), '-out', csrFile, '-subj', `/O=infergate tests/CN=${commonName}`]);
    openssl([
      'x509',
      '-req',
      '-in',
      csrFile,
      '-CA',
      authority.certFile,
      '-CAkey',
      authority.keyFile,
      '-set_serial',
      `0x${createHash('sha256').update(`${base}${Date.now()}${Math.random()}`).digest('hex').slice(0, 30)}`,
      '-days',
      '1',
      '-extfile',
      extFile,
      '-out',
      certFile,
    ]);
    return describe(certFile, keyFile);
  }

  private nextName(commonName: string): string {
    this.counter += 1;
    return `${this.counter}-${commonName.replace(/[^a-z0-9]+/gi, '-')}`;
  }
}

function newKey(keyFile: string): string[] {
  return ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile];
}

const OPENSSL_SAN_TYPES: Record<string, string> = { DNS: 'DNS', URI: 'URI', email: 'email', 'IP Address': 'IP' };

function openssl(args: string[]): void {
  try {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`openssl ${args[0]} failed: ${stderr.trim()}`);
  }
}

function describe(certFile: string, keyFile: string): IssuedCertificate {
  const cert = readFileSync(certFile, 'utf8');
  const der = new X509Certificate(cert).raw;
  return {
    cert,
    key: readFileSync(keyFile, 'utf8'),
    certFile,
    keyFile,
    thumbprint: createHash('sha256').update(der).digest('base64url'),
    derBase64: der.toString('base64'),
  };
}
