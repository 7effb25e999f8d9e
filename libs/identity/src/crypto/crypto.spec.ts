import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateOptions } from '@infergate/common';
import { IdentityModuleOptions } from '../identity.options';

const identityOptions = (options: Partial<IdentityModuleOptions>) => validateOptions(IdentityModuleOptions, options, 'identity');
import { MasterKey } from './master-key';
import { SecretBox } from './secret-box';

const keyA = Buffer.alloc(32, 1).toString('base64');
const keyB = Buffer.alloc(32, 2).toString('base64');

describe(MasterKey.name, () => {
  it('generates a 0600 key file once and reuses it', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'infergate-key-')), 'sub', 'master.key');
    const config = identityOptions({ masterKeyFile: file });
    const first = new MasterKey(config).hash('api-key', 'x');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64')).toHaveLength(32);
    expect(new MasterKey(config).hash('api-key', 'x')).toBe(first);
  });

  it('verifies only the same secret, under the same purpose and key', () => {
    const sut = new MasterKey(identityOptions({ masterKey: keyA }));
    const stored = sut.hash('client-secret', 's3cret');
    expect(stored).not.toContain('s3cret');
    expect(sut.verify('client-secret', 's3cret', stored)).toBe(true);
    expect(sut.verify('client-secret', 's3cret!', stored)).toBe(false);
    expect(sut.verify('api-key', 's3cret', stored)).toBe(false);
    expect(sut.verify('client-secret', 's3cret', null)).toBe(false);
    expect(new MasterKey(identityOptions({ masterKey: keyB })).verify('client-secret', 's3cret', stored)).toBe(false);
  });
});

describe(SecretBox.name, () => {
  const sut = new SecretBox(new MasterKey(identityOptions({ masterKey: keyA })));

  it('round-trips and never stores the plaintext', () => {
    const sealed = sut.seal('{"d":"private"}', 'signing-key:k1');
    expect(sealed).not.toContain('private');
    expect(sut.open(sealed, 'signing-key:k1')).toBe('{"d":"private"}');
    expect(sut.seal('same', 'c')).not.toBe(sut.seal('same', 'c'));
  });

  it('refuses a ciphertext moved to another context, tampered with, or under another key', () => {
    const sealed = sut.seal('secret', 'signing-key:k1');
    expect(() => sut.open(sealed, 'signing-key:k2')).toThrow();
    const parts = sealed.split('.');
    const flipped = Buffer.from(parts[3], 'base64url');
    flipped[0] ^= 1;
    expect(() => sut.open([...parts.slice(0, 3), flipped.toString('base64url')].join('.'), 'signing-key:k1')).toThrow();
    expect(() => sut.open('garbage', 'signing-key:k1')).toThrow();
    const other = new SecretBox(new MasterKey(identityOptions({ masterKey: keyB })));
    expect(() => other.open(sealed, 'signing-key:k1')).toThrow();
  });
});
