import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOptions } from 'node:dns';
import type { UpstreamUrlValidator } from '@infergate/model-registry';

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** The error a refused address fails the connection with; classified as unreachable, never retried. */
export const UPSTREAM_ADDRESS_REFUSED = 'EUPSTREAMADDRESSREFUSED';

/**
 * The `lookup` of upstream sockets: resolves the name as usual, then refuses the connection when any
 * address it resolves to is one the registry would have refused at registration (loopback, private,
 * link-local, metadata, … unless allowlisted). Registration checked the name once; this closes DNS
 * rebinding, where the name later resolves somewhere internal. Literal IP hosts never reach a lookup
 * (they were checked at registration and cannot change).
 */
export function guardedLookup(validator: UpstreamUrlValidator, resolve: typeof dnsLookup = dnsLookup) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    const all: LookupAllOptions = { ...options, all: true };
    resolve(hostname, all, (error, addresses) => {
      if (error) return callback(error, '');
      if (!validator.isHostAllowlisted(hostname)) {
        const refused = addresses.find((entry) => !validator.isAddressAllowed(entry.address));
        if (refused || addresses.length === 0) {
          const denied: NodeJS.ErrnoException = new Error('upstream address refused');
          denied.code = UPSTREAM_ADDRESS_REFUSED;
          return callback(denied, '');
        }
      }
      if (options.all) return callback(null, addresses);
      return callback(null, addresses[0].address, addresses[0].family);
    });
  };
}
