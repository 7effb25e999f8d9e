import { createHash } from 'node:crypto';

/** JSON with every object's keys sorted, so that equal content has one spelling whatever the key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const item = (value as Record<string, unknown>)[key];
    if (item !== undefined) sorted[key] = sortKeys(item);
  }
  return sorted;
}

/** The version of configuration-as-code content: SHA-256 (hex) of its canonical JSON. */
export function contentVersion(content: unknown): string {
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}
