import { BlockList, isIP } from 'node:net';

/** True when `value` is an IPv4 or IPv6 CIDR (`10.0.0.0/8`, `2001:db8::/32`) that Node can match against. */
export function isCidr(value: string): boolean {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(value);
  if (!match) return false;
  const family = isIP(match[1]);
  const bits = Number(match[2]);
  if (family === 0 || bits > (family === 4 ? 32 : 128)) return false;
  try {
    new BlockList().addSubnet(match[1], bits, family === 4 ? 'ipv4' : 'ipv6');
    return true;
  } catch {
    return false;
  }
}
