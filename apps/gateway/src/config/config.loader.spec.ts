import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError } from '@infergate/common';
import { loadConfig } from './config.loader';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigurationError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigurationError');
}

function yamlFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'infergate-config-')), 'infergate.yaml');
  writeFileSync(file, text);
  return file;
}

const PRODUCTION_OK = {
  INFERGATE_PROFILE: 'production',
  DATABASE_URL: 'postgres://db.internal/infergate',
  REDIS_URL: 'redis://cache.internal:6379',
  TLS_OFFLOADED: 'true',
  MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
  ISSUER_URL: 'https://gateway.example.com',
};

describe(loadConfig.name, () => {
  it('defaults to the embedded profile on port 3000 with SQLite under ./data', () => {
    const sut = loadConfig({});
    expect(sut.profile).toBe('embedded');
    expect(sut.server.port).toBe(3000);
    expect(sut.server.bodyLimitBytes).toBe(1024 * 1024);
    expect(sut.database.url).toBeUndefined();
    expect(sut.database.sqlitePath).toBe('./data/infergate.sqlite');
    expect(sut.redis.url).toBeUndefined();
  });

  it('reads typed values from the environment', () => {
    const sut = loadConfig({ PORT: '8080', BODY_LIMIT_BYTES: '2048', TLS_OFFLOADED: 'true', TRUSTED_PROXY_CIDRS: '10.0.0.0/8, ::1/128' });
    expect(sut.server).toMatchObject({ port: 8080, bodyLimitBytes: 2048, trustedProxyCidrs: ['10.0.0.0/8', '::1/128'] });
    expect(sut.server.tls.offloaded).toBe(true);
  });

  it('reads the YAML file and lets the environment override it', () => {
    const file = yamlFile('server:\n  port: 4000\n  host: 127.0.0.1\nlog:\n  level: debug\n');
    const sut = loadConfig({ INFERGATE_CONFIG: file, PORT: '5000' });
    expect(sut.server.port).toBe(5000);
    expect(sut.server.host).toBe('127.0.0.1');
    expect(sut.log.level).toBe('debug');
  });

  it('names the variable and the YAML path of each invalid setting, all at once', () => {
    const problems = problemsOf({ PORT: '70000', LOG_LEVEL: 'loud', BODY_LIMIT_BYTES: '-1' });
    expect(problems).toHaveLength(3);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^PORT \(server\.port\): /),
        expect.stringMatching(/^LOG_LEVEL \(log\.level\): /),
        expect.stringMatching(/^BODY_LIMIT_BYTES \(server\.bodyLimitBytes\): /),
      ]),
    );
  });

  it('refuses unknown keys in the YAML file instead of ignoring a typo', () => {
    const problems = problemsOf({ INFERGATE_CONFIG: yamlFile('server:\n  prot: 4000\n') });
    expect(problems).toEqual([expect.stringContaining('server')]);
    expect(problems[0]).toContain('prot');
  });

  it('refuses an unreadable or malformed YAML file with one line', () => {
    expect(problemsOf({ INFERGATE_CONFIG: '/nonexistent/infergate.yaml' })).toEqual([
      'INFERGATE_CONFIG: cannot read the file "/nonexistent/infergate.yaml"',
    ]);
    expect(problemsOf({ INFERGATE_CONFIG: yamlFile('server: [unclosed\n') })[0]).toMatch(/is not valid YAML/);
    expect(problemsOf({ INFERGATE_CONFIG: yamlFile('- a list\n') })[0]).toMatch(/must hold a mapping/);
  });

  it('accepts a complete production configuration', () => {
    expect(loadConfig(PRODUCTION_OK).profile).toBe('production');
  });

  it('refuses production without a database, Redis or TLS, one line each', () => {
    const problems = problemsOf({ INFERGATE_PROFILE: 'production' });
    expect(problems).toHaveLength(5);
    expect(problems.join('\n')).toMatch(/MASTER_KEY .*required/);
    expect(problems.join('\n')).toMatch(/ISSUER_URL .*https/);
    expect(problems.join('\n')).toMatch(/DATABASE_URL .*required/);
    expect(problems.join('\n')).toMatch(/REDIS_URL .*required/);
    expect(problems.join('\n')).toMatch(/production needs TLS/);
  });

  it('refuses the documented demo bootstrap secret and short secrets in production only', () => {
    const demo = { ...PRODUCTION_OK, BOOTSTRAP_ADMIN_CLIENT_SECRET: 'change-me-in-production-0123456789abcdef' };
    expect(problemsOf(demo)).toEqual([expect.stringMatching(/BOOTSTRAP_ADMIN_CLIENT_SECRET .*demo secret/)]);
    expect(problemsOf({ ...PRODUCTION_OK, BOOTSTRAP_ADMIN_CLIENT_SECRET: 'short' })).toEqual([expect.stringMatching(/at least 32/)]);
    expect(loadConfig({ BOOTSTRAP_ADMIN_CLIENT_SECRET: 'change-me-in-production-0123456789abcdef' }).profile).toBe('embedded');
  });

  it('refuses malformed URLs, half a TLS pair and non-CIDR proxies', () => {
    const problems = problemsOf({
      DATABASE_URL: 'mysql://db/x',
      REDIS_URL: 'http://cache',
      TLS_CERT_FILE: '/etc/cert.pem',
      TRUSTED_PROXY_CIDRS: '10.0.0.0/33,not-a-cidr,192.168.0.0/16',
    });
    expect(problems).toHaveLength(5);
    expect(problems.filter((p) => p.startsWith('TRUSTED_PROXY_CIDRS'))).toHaveLength(2);
    expect(problemsOf({ MASTER_KEY: 'c2hvcnQ=' })).toEqual([expect.stringMatching(/^MASTER_KEY .*32 bytes/)]);
  });
});
