import { createHash } from 'node:crypto';
import type { PolicyRule } from './policy.types';

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

/** The version of a policy set: SHA-256 (hex) of the canonical JSON of its rules, in load order. */
export function policyVersion(rules: readonly PolicyRule[]): string {
  return createHash('sha256').update(canonicalJson(rules)).digest('hex');
}
