import { BlockList, isIP } from 'node:net';

const cache = new Map<string, BlockList>();

/** True when `ip` lies in one of `cidrs` (IPv4 and IPv6; IPv4-mapped IPv6 addresses match IPv4 ranges). */
export function ipInAnyCidr(ip: string, cidrs: readonly string[]): boolean {
  const key = cidrs.join(',');
  let list = cache.get(key);
  if (!list) {
    list = new BlockList();
    for (const cidr of cidrs) {
      const [address, bits] = cidr.split('/');
      const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      list.addSubnet(address, Number(bits), family);
    }
    if (cache.size > 1000) cache.clear();
    cache.set(key, list);
  }
  const mapped = ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
  return list.check(mapped, isIP(mapped) === 6 ? 'ipv6' : 'ipv4');
}
