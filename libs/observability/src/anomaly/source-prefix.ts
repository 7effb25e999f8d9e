import { isIPv4, isIPv6 } from 'node:net';

/**
 * The network an address belongs to, at the granularity of one site: its /24 (IPv4) or /48 (IPv6).
 * IPv4-mapped IPv6 addresses count as IPv4. Null for anything that is not an IP address.
 */
export function sourcePrefix(address: string): string | null {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const ip = mapped ? mapped[1] : address;
  if (isIPv4(ip)) return `${ip.slice(0, ip.lastIndexOf('.'))}.0/24`;
  if (!isIPv6(ip)) return null;
  const groups = expandIPv6(ip.split('%')[0]);
  return `${groups.slice(0, 3).join(':')}::/48`;
}

/** The eight 16-bit groups of a valid IPv6 address, lower-case, without leading zeros. */
function expandIPv6(ip: string): string[] {
  const [head, tail] = ip.includes('::') ? ip.split('::') : [ip, undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  // An embedded IPv4 tail (::1.2.3.4) stands for two groups.
  const last = right.length > 0 ? right : left;
  if (last.length > 0 && last[last.length - 1].includes('.')) {
    const octets = last.pop()!.split('.').map(Number);
    last.push(((octets[0] << 8) | octets[1]).toString(16), ((octets[2] << 8) | octets[3]).toString(16));
  }
  const missing = tail === undefined ? 0 : 8 - left.length - right.length;
  return [...left, ...Array<string>(missing).fill('0'), ...right].map((group) => parseInt(group, 16).toString(16));
}
