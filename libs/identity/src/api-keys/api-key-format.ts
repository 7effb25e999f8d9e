import { randomBytes } from 'node:crypto';
import { API_KEY_PREFIX } from '../authentication/credentials';

/** Longest key worth parsing: `ig_` + 32 hex + `_` + 43 base64url characters. */
const KEY_PATTERN = /^ig_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;

export interface GeneratedApiKey {
  /** 16 random bytes in hex: never contains `_`, so the key splits unambiguously. */
  id: string;
  /** The whole key `ig_<id>_<secret>`; shown once, stored only as a keyed hash. */
  key: string;
}

/** A new API key: a public id and 256 random bits of secret (base64url, which may contain `_`). */
export function generateApiKey(): GeneratedApiKey {
  const id = randomBytes(16).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { id, key: `${API_KEY_PREFIX}${id}_${secret}` };
}

/** The key id, when `key` has the exact shape of an infergate API key. */
export function apiKeyId(key: string): string | undefined {
  return key.length <= 80 ? KEY_PATTERN.exec(key)?.[1] : undefined;
}
