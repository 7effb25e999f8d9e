import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { IDENTITY_OPTIONS, type IdentityModuleOptions } from '../identity.options';

/** Purposes get independent subkeys, so that a hash made for one can never verify as another. */
export type KeyPurpose = 'client-secret' | 'api-key' | 'secret-box';

/**
 * The master key from config (MASTER_KEY) or, in the embedded profile, from a file generated on first
 * start with mode 0600. Everything secret the gateway stores is derived from it.
 */
@Injectable()
export class MasterKey {
  private readonly logger = new Logger(MasterKey.name);
  private readonly key: Buffer;
  private readonly subkeys = new Map<KeyPurpose, Buffer>();

  constructor(@Inject(IDENTITY_OPTIONS) options: IdentityModuleOptions) {
    this.key = options.masterKey ? Buffer.from(options.masterKey, 'base64') : this.loadOrCreate(options.masterKeyFile);
  }

  /** A 32-byte key for one purpose (HKDF-SHA256). */
  subkey(purpose: KeyPurpose): Buffer {
    let subkey = this.subkeys.get(purpose);
    if (!subkey) {
      subkey = Buffer.from(hkdfSync('sha256', this.key, Buffer.alloc(0), `infergate:${purpose}`, 32));
      this.subkeys.set(purpose, subkey);
    }
    return subkey;
  }

  /** Keyed hash (HMAC-SHA256, base64url) of a high-entropy secret such as a client secret or API key. */
  hash(purpose: Exclude<KeyPurpose, 'secret-box'>, secret: string): string {
    return createHmac('sha256', this.subkey(purpose)).update(secret, 'utf8').digest('base64url');
  }

  /** Constant-time comparison of a secret against a stored keyed hash. */
  verify(purpose: Exclude<KeyPurpose, 'secret-box'>, secret: string, storedHash: string | null | undefined): boolean {
    if (!storedHash) return false;
    const actual = Buffer.from(this.hash(purpose, secret), 'base64url');
    const expected = Buffer.from(storedHash, 'base64url');
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }

  private loadOrCreate(file: string): Buffer {
    try {
      const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
      if (key.length !== 32) throw new Error(`${file} does not hold a base64 32-byte key`);
      return key;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const key = randomBytes(32);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    this.logger.warn({ event: 'identity.master_key_generated', file }, 'generated a master key file; back it up, or set MASTER_KEY');
    return key;
  }
}
