import { ProblemException } from '@infergate/common';
import { classifyAddress } from './address-ranges';
import { type HostResolver, systemHostResolver, UpstreamUrlValidator } from './upstream-url.validator';

const config = (upstreamAllowlist: string[] = []) => ({ upstreamAllowlist, modelsDir: './models' });

/** A resolver answering from a table; any other name does not resolve. */
const fakeDns =
  (table: Record<string, string[]>): HostResolver =>
  (host) => {
    const addresses = table[host];
    return addresses ? Promise.resolve(addresses) : Promise.reject(new Error('ENOTFOUND'));
  };

async function refusal(sut: UpstreamUrlValidator, url: string): Promise<{ status: number; pointer: string; detail: string }> {
  try {
    await sut.validate(url);
  } catch (error) {
    if (!(error instanceof ProblemException)) throw error;
    return { status: error.status, pointer: error.errors?.[0]?.pointer ?? '', detail: error.errors?.[0]?.detail ?? '' };
  }
  throw new Error(`${url} was accepted`);
}

describe(UpstreamUrlValidator.name, () => {
  const dns = fakeDns({
    'models.example.com': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
    'internal.example.com': ['10.1.2.3'],
    'mixed.example.com': ['93.184.216.34', '192.168.1.10'],
    'rebind.example.com': ['::ffff:169.254.169.254'],
    'kserve.cluster.local': ['10.96.0.12'],
  });
  const sut = new UpstreamUrlValidator(config(), dns);

  it('accepts a public http(s) URL and returns it normalised', async () => {
    await expect(sut.validate('https://MODELS.example.com:8443/v2')).resolves.toBe('https://models.example.com:8443/v2');
    await expect(sut.validate('http://93.184.216.34/')).resolves.toBe('http://93.184.216.34/');
  });

  it.each([
    ['ftp://models.example.com/', /http and https/],
    ['file:///etc/passwd', /http and https/],
    ['gopher://models.example.com/', /http and https/],
    ['not a url', /absolute http or https URL/],
    ['//models.example.com/', /absolute http or https URL/],
  ])('refuses %s for its scheme', async (url, reason) => {
    const problem = await refusal(sut, url);
    expect(problem).toMatchObject({ status: 422, pointer: '/endpoint/url' });
    expect(problem.detail).toMatch(reason);
  });

  it.each([
    'http://user:pass@models.example.com/',
    'http://good.com@127.0.0.1/',
    'http://token@models.example.com/',
    'http://:secret@models.example.com/',
  ])('refuses credentials in %s', async (url) => {
    expect((await refusal(sut, url)).detail).toMatch(/Credentials in the URL/);
  });

  it('refuses fragments, even empty ones', async () => {
    expect((await refusal(sut, 'https://models.example.com/v2#x')).detail).toMatch(/fragment/);
    expect((await refusal(sut, 'https://models.example.com/v2#')).detail).toMatch(/fragment/);
  });

  it.each([
    ['http://127.0.0.1/', 'loopback'],
    ['http://127.1/', 'loopback'],
    ['http://2130706433/', 'loopback'],
    ['http://0x7f.1/', 'loopback'],
    ['http://0x7f000001/', 'loopback'],
    ['http://017700000001/', 'loopback'],
    ['http://0177.0.0.1/', 'loopback'],
    ['http://[::1]/', 'loopback'],
    ['http://[0:0:0:0:0:0:0:1]/', 'loopback'],
    ['http://[::ffff:127.0.0.1]/', 'loopback'],
    ['http://[::ffff:7f00:1]/', 'loopback'],
    ['http://[::127.0.0.1]/', 'loopback'],
    ['http://[64:ff9b::127.0.0.1]/', 'loopback'],
    ['http://[2002:7f00:1::]/', 'loopback'],
    ['http://0.0.0.0/', 'unspecified'],
    ['http://0/', 'unspecified'],
    ['http://[::]/', 'unspecified'],
    ['http://10.0.0.1/', 'private'],
    ['http://172.16.5.4/', 'private'],
    ['http://172.31.255.255/', 'private'],
    ['http://192.168.0.1/', 'private'],
    ['http://100.64.0.1/', 'private'],
    ['http://[fc00::1]/', 'private'],
    ['http://[fd12:3456::1]/', 'private'],
    ['http://[::ffff:10.0.0.1]/', 'private'],
    ['http://169.254.1.1/', 'link-local'],
    ['http://[fe80::1]/', 'link-local'],
    ['http://169.254.169.254/latest/meta-data/', 'metadata'],
    ['http://0xa9fea9fe/', 'metadata'],
    ['http://[fd00:ec2::254]/', 'metadata'],
    ['http://[::ffff:169.254.169.254]/', 'metadata'],
    ['http://metadata.google.internal/computeMetadata/v1/', 'metadata'],
    ['http://224.0.0.1/', 'reserved'],
    ['http://255.255.255.255/', 'reserved'],
  ])('refuses %s (%s)', async (url, kind) => {
    const problem = await refusal(sut, url);
    expect(problem).toMatchObject({ status: 422, pointer: '/endpoint/url' });
    const words: Record<string, RegExp> = {
      loopback: /loopback/,
      unspecified: /unspecified/,
      private: /private network/,
      'link-local': /link-local/,
      metadata: /metadata/,
      reserved: /reserved/,
    };
    expect(problem.detail).toMatch(words[kind]);
  });

  it('accepts public addresses that merely look unusual', async () => {
    await expect(sut.validate('http://172.32.0.1/')).resolves.toBe('http://172.32.0.1/');
    await expect(sut.validate('http://[2606:4700::1111]/')).resolves.toBe('http://[2606:4700::1111]/');
    await expect(sut.validate('http://[::ffff:8.8.8.8]/')).resolves.toBe('http://[::ffff:808:808]/');
  });

  it('refuses names that resolve to a refused address, judging every address', async () => {
    expect((await refusal(sut, 'http://internal.example.com/')).detail).toBe(
      'The host resolves to a private network address and is not allowlisted.',
    );
    expect((await refusal(sut, 'http://mixed.example.com/')).detail).toMatch(/private network/);
    expect((await refusal(sut, 'http://rebind.example.com/')).detail).toMatch(/metadata/);
  });

  it('refuses localhost and *.localhost by name, and names that do not resolve', async () => {
    expect((await refusal(sut, 'http://localhost:8080/')).detail).toMatch(/loopback/);
    expect((await refusal(sut, 'http://api.localhost/')).detail).toMatch(/loopback/);
    expect((await refusal(sut, 'http://LOCALHOST./')).detail).toMatch(/loopback/);
    expect((await refusal(sut, 'http://nowhere.invalid/')).detail).toBe('The host name could not be resolved.');
  });

  it('asks the real resolver: a name that resolves to loopback is refused', async () => {
    const real = new UpstreamUrlValidator(config(), async (host) =>
      systemHostResolver(host === 'loopback-alias.test' ? 'localhost' : host),
    );
    expect((await refusal(real, 'http://loopback-alias.test/')).detail).toMatch(/loopback/);
  });

  describe('with an allowlist', () => {
    const allowing = new UpstreamUrlValidator(config(['10.96.0.0/12', 'internal.example.com', '169.254.0.0/16', 'fd00::/8']), dns);

    it('accepts an allowlisted host name and addresses inside an allowlisted CIDR', async () => {
      await expect(allowing.validate('http://internal.example.com/')).resolves.toBe('http://internal.example.com/');
      await expect(allowing.validate('http://kserve.cluster.local/')).resolves.toBe('http://kserve.cluster.local/');
      await expect(allowing.validate('http://10.100.0.1/')).resolves.toBe('http://10.100.0.1/');
      await expect(allowing.validate('http://169.254.10.10/')).resolves.toBe('http://169.254.10.10/');
    });

    it('still refuses what the allowlist does not cover', async () => {
      expect((await refusal(allowing, 'http://10.0.0.1/')).detail).toMatch(/private network/);
      expect((await refusal(allowing, 'http://127.0.0.1/')).detail).toMatch(/loopback/);
      expect((await refusal(allowing, 'http://user@internal.example.com/')).detail).toMatch(/Credentials/);
    });

    it('never lets a broad range open the metadata service; only its exact address does', async () => {
      expect((await refusal(allowing, 'http://169.254.169.254/')).detail).toMatch(/metadata/);
      expect((await refusal(allowing, 'http://[fd00:ec2::254]/')).detail).toMatch(/metadata/);
      const exact = new UpstreamUrlValidator(config(['169.254.169.254/32']), dns);
      await expect(exact.validate('http://169.254.169.254/')).resolves.toBe('http://169.254.169.254/');
    });

    it('offers the same decision for a connect-time check of the address actually dialled', () => {
      expect(allowing.isAddressAllowed('10.100.0.1')).toBe(true);
      expect(allowing.isAddressAllowed('10.0.0.1')).toBe(false);
      expect(allowing.isAddressAllowed('169.254.169.254')).toBe(false);
      expect(sut.isAddressAllowed('93.184.216.34')).toBe(true);
    });
  });
});

describe('classifyAddress', () => {
  it('judges IPv6 forms that carry an IPv4 address by that address', () => {
    expect(classifyAddress('::ffff:192.168.1.1')).toBe('private');
    expect(classifyAddress('64:ff9b::a00:1')).toBe('private');
    expect(classifyAddress('2002:c0a8:101::1')).toBe('private');
    expect(classifyAddress('::ffff:1.1.1.1')).toBeNull();
  });

  it('answers reserved for something that is not an address at all', () => {
    expect(classifyAddress('not-an-ip')).toBe('reserved');
  });
});
