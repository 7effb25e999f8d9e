import { isIP } from 'node:net';

/**
 * The subject alternative name types a client certificate is matched on, spelled as OpenSSL and
 * node:crypto print them. A SAN is written `<type>:<value>`:
 *
 * - `DNS:client.example.com` — the DNS name, lower-cased;
 * - `URI:spiffe://example.org/ns/prod/sa/scorer` — the URI exactly as in the certificate;
 * - `email:ops@example.com` — the rfc822Name exactly as in the certificate;
 * - `IP Address:10.1.2.3` or `IP Address:2001:db8::1` — IPv6 in its compressed lower-case form.
 *
 * `ApplicationEntity.tlsSubjectSan` holds one SAN in this format; `normalizeSubjectAltName` turns
 * an operator's input into it (or refuses it).
 */
export const MATCHABLE_SAN_TYPES = ['DNS', 'URI', 'email', 'IP Address'] as const;
export type MatchableSanType = (typeof MATCHABLE_SAN_TYPES)[number];

/**
 * Returns the canonical `<type>:<value>` form of a SAN, or undefined when the type is not one the
 * gateway matches on or the value is empty or not valid for its type.
 */
export function normalizeSubjectAltName(san: string): string | undefined {
  const colon = san.indexOf(':');
  if (colon <= 0) return undefined;
  const type = san.slice(0, colon).trim();
  const value = san.slice(colon + 1).trim();
  if (value.length === 0 || value.length > 1024 || hasControlCharacter(value)) return undefined;
  switch (type) {
    case 'DNS':
      return `DNS:${value.toLowerCase()}`;
    case 'URI':
      return `URI:${value}`;
    case 'email':
      return `email:${value}`;
    case 'IP Address':
    case 'IP': {
      const address = canonicalIp(value);
      return address === undefined ? undefined : `IP Address:${address}`;
    }
    default:
      return undefined;
  }
}

/**
 * Splits node:crypto's `subjectAltName` string (`DNS:a, URI:b, …`; a value with special characters is
 * a JSON string literal since CVE-2021-44532) into canonical SANs. Types the gateway does not match
 * on (DirName, othername, Registered ID) and values it cannot read are dropped, never guessed.
 */
export function parseSubjectAltNames(text: string | undefined): string[] {
  if (!text) return [];
  const names: string[] = [];
  let position = 0;
  while (position < text.length) {
    const colon = text.indexOf(':', position);
    if (colon === -1) break;
    const type = text.slice(position, colon);
    let value: string | undefined;
    let end: number;
    if (text[colon + 1] === '"') {
      end = closingQuote(text, colon + 2);
      if (end === -1) break;
      try {
        value = JSON.parse(text.slice(colon + 1, end + 1)) as string;
      } catch {
        value = undefined;
      }
      end += 1;
    } else {
      end = text.indexOf(', ', colon + 1);
      if (end === -1) end = text.length;
      value = text.slice(colon + 1, end);
    }
    const normalized = value === undefined ? undefined : normalizeSubjectAltName(`${type}:${value}`);
    if (normalized !== undefined && !names.includes(normalized)) names.push(normalized);
    position = text.startsWith(', ', end) ? end + 2 : end + 1;
  }
  return names;
}

function closingQuote(text: string, from: number): number {
  for (let index = from; index < text.length; index += 1) {
    if (text[index] === '\\') index += 1;
    else if (text[index] === '"') return index;
  }
  return -1;
}

function hasControlCharacter(value: string): boolean {
  for (let index = 0; index < value.length; index += 1) {
    const code = value.charCodeAt(index);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

function canonicalIp(value: string): string | undefined {
  const family = isIP(value);
  if (family === 4) return value;
  if (family !== 6) return undefined;
  // The WHATWG URL parser compresses and lower-cases IPv6 (`0:0:0:0:0:0:0:1` → `::1`).
  return new URL(`http://[${value}]/`).hostname.slice(1, -1);
}
