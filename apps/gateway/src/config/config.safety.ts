import { isCidr } from '@infergate/common';
import type { InfergateConfig } from './infergate.config';

/**
 * Secrets that appear in infergate's own documentation and compose file. They are fine on a laptop and
 * never acceptable in production, where anyone who read the README could use them.
 */
export const DOCUMENTED_DEMO_SECRETS: readonly string[] = ['change-me-in-production-0123456789abcdef', 'changeme', 'secret'];

const MIN_PRODUCTION_SECRET_LENGTH = 32;

/** Returns one line per setting that is invalid in combination or unsafe for the chosen profile. */
export function findUnsafeSettings(config: InfergateConfig): string[] {
  const problems: string[] = [];
  const { server, database, redis, bootstrap } = config;

  if (database.url !== undefined && !/^postgres(ql)?:\/\//.test(database.url)) {
    problems.push('DATABASE_URL (database.url): must be a postgres:// or postgresql:// URL');
  }
  if (redis.url !== undefined && !/^rediss?:\/\//.test(redis.url)) {
    problems.push('REDIS_URL (redis.url): must be a redis:// or rediss:// URL');
  }
  if (Boolean(server.tls.certFile) !== Boolean(server.tls.keyFile)) {
    problems.push('TLS_CERT_FILE / TLS_KEY_FILE (server.tls): set both or neither');
  }
  for (const cidr of server.trustedProxyCidrs) {
    if (!isCidr(cidr)) problems.push(`TRUSTED_PROXY_CIDRS (server.trustedProxyCidrs): ${JSON.stringify(cidr)} is not a CIDR`);
  }

  if (config.identity.masterKey !== undefined && Buffer.from(config.identity.masterKey, 'base64').length !== 32) {
    problems.push('MASTER_KEY (identity.masterKey): must be the base64 encoding of exactly 32 bytes (openssl rand -base64 32)');
  }
  if (server.tls.clientCaFile && !server.tls.certFile) {
    problems.push(
      'TLS_CLIENT_CA_FILE (server.tls.clientCaFile): mutual TLS needs the gateway to serve HTTPS (TLS_CERT_FILE, TLS_KEY_FILE)',
    );
  }

  if (config.profile === 'production') {
    if (!config.identity.masterKey) problems.push('MASTER_KEY (identity.masterKey): required in the production profile');
    if (!config.identity.issuer.startsWith('https://')) problems.push('ISSUER_URL (identity.issuer): must be an https URL in production');
    if (!database.url) problems.push('DATABASE_URL (database.url): required in the production profile');
    if (!redis.url) problems.push('REDIS_URL (redis.url): required in the production profile');
    if (!server.tls.certFile && !server.tls.offloaded) {
      problems.push(
        'TLS_CERT_FILE / TLS_KEY_FILE (server.tls): production needs TLS; set a certificate and key, or TLS_OFFLOADED=true when a TLS-terminating proxy is in front',
      );
    }
    const secret = bootstrap.adminClientSecret;
    if (secret !== undefined && DOCUMENTED_DEMO_SECRETS.includes(secret)) {
      problems.push('BOOTSTRAP_ADMIN_CLIENT_SECRET (bootstrap.adminClientSecret): the documented demo secret is not allowed in production');
    } else if (secret !== undefined && secret.length < MIN_PRODUCTION_SECRET_LENGTH) {
      problems.push(
        `BOOTSTRAP_ADMIN_CLIENT_SECRET (bootstrap.adminClientSecret): must be at least ${MIN_PRODUCTION_SECRET_LENGTH} characters in production`,
      );
    }
  }
  return problems;
}
