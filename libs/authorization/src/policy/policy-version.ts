import { contentVersion } from '@infergate/common';
import type { PolicyRule } from './policy.types';

/** The version of a policy set: SHA-256 (hex) of the canonical JSON of its rules, in load order. */
export function policyVersion(rules: readonly PolicyRule[]): string {
  return contentVersion(rules);
}
