import { Inject, Injectable, Optional } from '@nestjs/common';
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { isCidr } from '@infergate/common';
import { EndpointRejectedException } from '../model-registry.errors';
import { type AddressClass, classifyAddress, METADATA_HOSTS } from './address-ranges';
import { REGISTRY_OPTIONS, type RegistryOptions } from '../model-registry.options';

/** Resolves a host name to every address it has (the gateway's resolver, or a fake in tests). */
export type HostResolver = (host: string) => Promise<string[]>;
export const HOST_RESOLVER = Symbol('HostResolver');

const RESOLVE_TIMEOUT_MS = 5_000;
const POINTER = '/endpoint/url';

const REASONS: Record<AddressClass, string> = {
  unspecified: 'an unspecified address',
  loopback: 'a loopback address',
  'link-local': 'a link-local address',
  private: 'a private network address',
  metadata: 'a cloud metadata service address',
  reserved: 'a reserved or multicast address',
};

export const systemHostResolver: HostResolver = async (host) => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error('resolution timed out')), RESOLVE_TIMEOUT_MS);
  });
  try {
    const addresses = await Promise.race([lookup(host, { all: true, verbatim: true }), timeout]);
    return addresses.map((entry) => entry.address);
  } finally {
    clearTimeout(timer);
  }
};

/**
 * Refuses upstream URLs that would turn the gateway into a way into the operator's network: only
 * http(s), no credentials, no fragment, and a host that is (and resolves only to) public unicast
 * addresses, unless the operator allowlists the host or a CIDR (`UPSTREAM_ALLOWLIST`). Metadata
 * addresses pass only when the allowlist names exactly them. URLs are parsed the WHATWG way, as the
 * HTTP client will, so `http://2130706433/`, `http://0x7f.1/` and `http://[::ffff:7f00:1]/` are all
 * seen as 127.0.0.1.
 *
 * This check runs at registration; the name may resolve elsewhere later (DNS rebinding), so the
 * inference client applies `isAddressAllowed` to the address it actually connects to (guardedLookup).
 */
@Injectable()
export class UpstreamUrlValidator {
  private readonly allowedHosts: Set<string>;
  private readonly allowedRanges = new BlockList();
  private readonly exactAllowed = new Set<string>();

  constructor(
    @Inject(REGISTRY_OPTIONS) options: RegistryOptions,
    @Optional() @Inject(HOST_RESOLVER) private readonly resolve: HostResolver = systemHostResolver,
  ) {
    this.allowedHosts = new Set<string>();
    for (const entry of options.upstreamAllowlist.map((item) => item.trim().toLowerCase()).filter(Boolean)) {
      if (isCidr(entry)) {
        const [address, bits] = entry.split('/');
        const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
        this.allowedRanges.addSubnet(address, Number(bits), family);
        if (Number(bits) === (family === 'ipv6' ? 128 : 32)) this.exactAllowed.add(normaliseIp(address));
      } else {
        this.allowedHosts.add(entry.replace(/\.$/, '').replace(/^\[(.*)\]$/, '$1'));
      }
    }
  }

  /** The normalised URL when the gateway may call it; otherwise a 422 problem at /endpoint/url. */
  async validate(raw: string): Promise<string> {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw reject('Must be an absolute http or https URL.');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw reject('Only http and https URLs are allowed.');
    if (url.username !== '' || url.password !== '') throw reject('Credentials in the URL are not allowed; use the endpoint headers.');
    if (url.hash !== '' || raw.includes('#')) throw reject('A fragment is not allowed.');
    const host = url.hostname
      .replace(/^\[(.*)\]$/, '$1')
      .replace(/\.$/, '')
      .toLowerCase();
    if (host === '') throw reject('The URL has no host.');
    if (this.allowedHosts.has(host)) return url.href;

    if (isIP(host) !== 0) {
      this.assertAddress(host, 'The host is');
      return url.href;
    }
    if (host === 'localhost' || host.endsWith('.localhost')) throw reject(`The host is ${REASONS.loopback} and is not allowlisted.`);
    if (METADATA_HOSTS.includes(host)) throw reject(`The host is ${REASONS.metadata} and is not allowlisted.`);
    let addresses: string[];
    try {
      addresses = await this.resolve(host);
    } catch {
      throw reject('The host name could not be resolved.');
    }
    if (addresses.length === 0) throw reject('The host name could not be resolved.');
    for (const address of addresses) this.assertAddress(address, 'The host resolves to');
    return url.href;
  }

  /** Whether the operator allowlisted this host name (then any address it resolves to is accepted). */
  isHostAllowlisted(hostname: string): boolean {
    return this.allowedHosts.has(hostname.replace(/\.$/, '').toLowerCase());
  }

  /** Whether the gateway may connect to `ip` (for a connect-time re-check against DNS rebinding). */
  isAddressAllowed(ip: string): boolean {
    return this.refusal(ip) === null;
  }

  private assertAddress(ip: string, prefix: string): void {
    const refusal = this.refusal(ip);
    if (refusal) throw reject(`${prefix} ${REASONS[refusal]} and is not allowlisted.`);
  }

  private refusal(ip: string): AddressClass | null {
    const kind = classifyAddress(ip);
    if (kind === null) return null;
    if (this.allowedHosts.has(normaliseIp(ip))) return null;
    if (kind === 'metadata') return this.exactAllowed.has(normaliseIp(ip)) ? null : kind;
    const mapped = ip.toLowerCase().startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
    return this.allowedRanges.check(mapped, isIP(mapped) === 6 ? 'ipv6' : 'ipv4') ? null : kind;
  }
}

function reject(detail: string): EndpointRejectedException {
  return new EndpointRejectedException(POINTER, detail);
}

function normaliseIp(ip: string): string {
  return ip.toLowerCase();
}
