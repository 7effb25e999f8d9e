import { hash } from 'node:crypto';
import type { AuditEventEntity } from '../audit-event.entity';

/** prev_hash of the first event of every chain. */
export const GENESIS_HASH = '0'.repeat(64);

/** Every stored field except the hash itself, in the form the hash covers. */
export type HashedFields = Omit<AuditEventEntity, 'hash'>;

/**
 * The canonical form of an event: JSON with keys sorted at every level, `occurredAt` as an ISO-8601
 * UTC string, absent values as null. It covers every stored field (id, chain, seq and prev_hash
 * included), so changing, renumbering or relinking a row changes its hash.
 *
 * It is defined as `stableJson` (below) of the object `genericCanonicalForm` builds. It runs once per
 * audited request, though, so it is written out for the fields an event has rather than walked
 * generically: the top-level keys are already in sorted order and only `details` is sorted at run
 * time. The output is, byte for byte, the generic one — stored hashes were computed with it and must
 * keep verifying; canonical-event.spec.ts checks the two against each other for arbitrary events.
 */
export function canonicalForm(event: HashedFields): string {
  return writeCanonicalForm(event);
}

/** sha-256 hex of the canonical form (the one-shot crypto.hash: no Hash object per event). */
export function hashEvent(event: HashedFields): string {
  return hash('sha256', writeCanonicalForm(event), 'hex');
}

/** What JSON.stringify escapes in a string: a quote, a backslash, a control character, a (possibly lone) surrogate. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NEEDS_JSON_ESCAPING = /["\\\u0000-\u001F\uD800-\uDFFF]/;

function writeCanonicalForm(event: HashedFields): string {
  const { action, actorId, actorType, chain, details, id, orgId, outcome, prevHash, reason, requestId, resourceId, resourceType, seq } =
    event;
  if (
    action === undefined ||
    actorId === undefined ||
    actorType === undefined ||
    chain === undefined ||
    details === undefined ||
    id === undefined ||
    orgId === undefined ||
    outcome === undefined ||
    prevHash === undefined ||
    reason === undefined ||
    requestId === undefined ||
    resourceId === undefined ||
    resourceType === undefined ||
    seq === undefined
  ) {
    // Never the case for an event of the chain or a row read back; stableJson leaves such keys out.
    return genericCanonicalForm(event);
  }
  // An ISO-8601 string has nothing JSON escapes: quoting it is what JSON.stringify does.
  return (
    `{"action":${scalar(action)},"actorId":${scalar(actorId)},"actorType":${scalar(actorType)},"chain":${scalar(chain)}` +
    `,"details":${detailsJson(details)},"id":${scalar(id)},"occurredAt":"${isoString(event.occurredAt)}"` +
    `,"orgId":${scalar(orgId)},"outcome":${scalar(outcome)},"prevHash":${scalar(prevHash)},"reason":${scalar(reason)}` +
    `,"requestId":${scalar(requestId)},"resourceId":${scalar(resourceId)},"resourceType":${scalar(resourceType)},"seq":${scalar(seq)}}`
  );
}

/** The definition: stableJson of every hashed field, the time as an ISO-8601 string. */
function genericCanonicalForm(event: HashedFields): string {
  return stableJson({
    action: event.action,
    actorId: event.actorId,
    actorType: event.actorType,
    chain: event.chain,
    details: event.details,
    id: event.id,
    occurredAt: event.occurredAt.toISOString(),
    orgId: event.orgId,
    outcome: event.outcome,
    prevHash: event.prevHash,
    reason: event.reason,
    requestId: event.requestId,
    resourceId: event.resourceId,
    resourceType: event.resourceType,
    seq: event.seq,
  });
}

/**
 * stableJson of a defined value: strings, numbers, booleans and null directly (all an event holds),
 * anything else (whatever a tampered row parses to) the generic way.
 */
function scalar(value: unknown): string {
  switch (typeof value) {
    case 'string':
      // JSON.stringify(value), without its cost when there is nothing to escape (ids, names, hex digests).
      return NEEDS_JSON_ESCAPING.test(value) ? JSON.stringify(value) : `"${value}"`;
    case 'number':
      // What JSON.stringify gives: the shortest round-trip digits (-0 as 0), null for NaN and ±Infinity.
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      return value === null ? 'null' : stableJson(value);
  }
}

/** stableJson of `details`: keys sorted by UTF-16 code units, undefined members left out. */
function detailsJson(details: unknown): string {
  if (details === null || typeof details !== 'object' || Array.isArray(details)) return stableJson(details);
  const record = details as Record<string, unknown>;
  // (An object built in sorted key order and handed to JSON.stringify would not do: integer-like keys
  // such as "10" and "9" always come first, in numeric order.)
  const keys = sortedKeys(record);
  let json = '';
  for (const key of keys) {
    const member = record[key];
    if (member === undefined) continue;
    json += `${json === '' ? '{' : ','}${scalar(key)}:${scalar(member)}`;
  }
  return json === '' ? '{}' : `${json}}`;
}

/**
 * The object's own enumerable keys (those Object.entries lists) in UTF-16 code unit order, the
 * order of stableJson's comparator. Details have a handful of keys: an insertion sort comparing with
 * `<` takes a fraction of the time Array.prototype.sort (which converts and compares generically) does.
 */
function sortedKeys(record: Record<string, unknown>): string[] {
  const keys = Object.keys(record);
  if (keys.length > 16) return keys.sort();
  for (let i = 1; i < keys.length; i += 1) {
    const key = keys[i];
    let j = i - 1;
    for (; j >= 0 && keys[j] > key; j -= 1) keys[j + 1] = keys[j];
    keys[j + 1] = key;
  }
  return keys;
}

/**
 * Date.toISOString (about 0.4 µs) once per second of event time: events of the same second share
 * everything up to the milliseconds, which are appended. The format ends in `.sssZ` in every year;
 * an invalid date throws toISOString's RangeError.
 */
let isoSecond = Number.NaN;
let isoPrefix = '';
function isoString(date: Date): string {
  const time = date.getTime();
  const millis = ((time % 1000) + 1000) % 1000;
  const second = time - millis;
  if (second !== isoSecond) {
    isoPrefix = new Date(second).toISOString().slice(0, -4);
    isoSecond = second;
  }
  return `${isoPrefix}${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}

/** JSON with object keys sorted at every level and undefined members left out: the canonical form's definition. */
function stableJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, member]) => member !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, member]) => `${JSON.stringify(key)}:${stableJson(member)}`).join(',')}}`;
  }
  // JSON.stringify maps NaN and ±Infinity to null, as the stored JSON does.
  return JSON.stringify(value);
}
