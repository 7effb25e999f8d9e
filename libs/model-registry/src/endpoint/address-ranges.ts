import { BlockList, isIP } from 'node:net';

/** Why an address is refused as an upstream; `null` for a public unicast address. */
export type AddressClass = 'unspecified' | 'loopback' | 'link-local' | 'private' | 'metadata' | 'reserved';

/** Cloud instance-metadata services: credentials live there, so they are refused even inside an allowlisted range. */
export const METADATA_ADDRESSES: readonly string[] = ['169.254.169.254', '169.254.170.2', '100.100.100.200', 'fd00:ec2::254'];
export const METADATA_HOSTS: readonly string[] = ['metadata.google.internal', 'metadata.goog', 'metadata', 'instance-data'];

const RANGES: readonly [AddressClass, 'ipv4' | 'ipv6', string, number][] = [
  ['unspecified', 'ipv4', '0.0.0.0', 8],
  ['private', 'ipv4', '10.0.0.0', 8],
  ['private', 'ipv4', '100.64.0.0', 10],
  ['loopback', 'ipv4', '127.0.0.0', 8],
  ['link-local', 'ipv4', '169.254.0.0', 16],
  ['private', 'ipv4', '172.16.0.0', 12],
  ['reserved', 'ipv4', '192.0.0.0', 24],
  ['reserved', 'ipv4', '192.0.2.0', 24],
  ['private', 'ipv4', '192.168.0.0', 16],
  ['reserved', 'ipv4', '198.18.0.0', 15],
  ['reserved', 'ipv4', '198.51.100.0', 24],
  ['reserved', 'ipv4', '203.0.113.0', 24],
  ['reserved', 'ipv4', '224.0.0.0', 4],
  ['reserved', 'ipv4', '240.0.0.0', 4],
  ['unspecified', 'ipv6', '::', 128],
  ['loopback', 'ipv6', '::1', 128],
  ['link-local', 'ipv6', 'fe80::', 10],
  ['reserved', 'ipv6', 'fec0::', 10],
  ['private', 'ipv6', 'fc00::', 7],
  ['reserved', 'ipv6', 'ff00::', 8],
  ['reserved', 'ipv6', '2001::', 32],
  ['reserved', 'ipv6', '2001:db8::', 32],
  ['reserved', 'ipv6', '100::', 64],
];

const lists = new Map<AddressClass, BlockList>();
for (const [kind, family, address, prefix] of RANGES) {
  let list = lists.get(kind);
  if (!list) lists.set(kind, (list = new BlockList()));
  list.addSubnet(address, prefix, family);
}
const ORDER: readonly AddressClass[] = ['unspecified', 'loopback', 'link-local', 'private', 'reserved'];

/**
 * What kind of address `ip` is. IPv6 forms that carry an IPv4 address (mapped `::ffff:a.b.c.d`,
 * compatible `::a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) are judged by the IPv4 address they
 * reach, so `[::ffff:127.0.0.1]` is loopback like `127.0.0.1`.
 */
export function classifyAddress(ip: string): AddressClass | null {
  const family = isIP(ip);
  if (family === 0) return 'reserved';
  const canonical = family === 6 ? canonicalIpv6(ip) : ip;
  if (METADATA_ADDRESSES.some((metadata) => (isIP(metadata) === 6 ? canonicalIpv6(metadata) : metadata) === canonical)) return 'metadata';
  if (family === 6) {
    const embedded = embeddedIpv4(ip);
    if (embedded) return classifyAddress(embedded);
  }
  for (const kind of ORDER) {
    if (lists.get(kind)?.check(ip, family === 6 ? 'ipv6' : 'ipv4')) return kind;
  }
  return null;
}

/** The 8 hextets of an IPv6 address (with any trailing dotted IPv4 folded in), or null. */
export function ipv6Hextets(ip: string): number[] | null {
  if (isIP(ip) !== 6) return null;
  let text = ip.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const octets = dotted[1].split('.').map(Number);
    text = `${text.slice(0, -dotted[1].length)}${((octets[0] << 8) | octets[1]).toString(16)}:${((octets[2] << 8) | octets[3]).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const left = head ? head.split(':') : [];
  const right = tail === undefined ? [] : tail ? tail.split(':') : [];
  const missing = 8 - left.length - right.length;
  const parts = [...left, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...right];
  return parts.length === 8 ? parts.map((part) => parseInt(part, 16)) : null;
}

function canonicalIpv6(ip: string): string {
  return (ipv6Hextets(ip) ?? []).map((part) => part.toString(16)).join(':');
}

function embeddedIpv4(ip: string): string | null {
  const h = ipv6Hextets(ip);
  if (!h) return null;
  const v4 = (high: number, low: number) => `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
  const zero = (from: number, to: number) => h.slice(from, to).every((part) => part === 0);
  if (zero(0, 5) && h[5] === 0xffff) return v4(h[6], h[7]); // ::ffff:a.b.c.d (mapped)
  if (zero(0, 6) && (h[6] !== 0 || h[7] > 1)) return v4(h[6], h[7]); // ::a.b.c.d (compatible, deprecated)
  if (h[0] === 0x64 && h[1] === 0xff9b && zero(2, 6)) return v4(h[6], h[7]); // NAT64
  if (h[0] === 0x2002) return v4(h[1], h[2]); // 6to4
  return null;
}
