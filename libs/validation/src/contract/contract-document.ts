import type { ProblemFieldError } from '@infergate/common';
import { checkPlain } from '../pipe/validate-plain';
import { InputContractDto, type InputContract } from './input-contract';
import { PiiRuleDto, type PiiRule } from './pii-rule';

export type DocumentCheck<T> = { ok: true; value: T } | { ok: false; errors: ProblemFieldError[] };

/**
 * An input contract given as plain JSON (read back from storage, written in a fixture, sent by the CLI),
 * checked by the same class-validator rules as the registry's request bodies, defaults applied.
 * `base` prefixes the pointers (`/inputContract` when the contract is part of a larger document).
 */
export function parseInputContract(raw: unknown, base = ''): DocumentCheck<InputContract> {
  return checkPlain(InputContractDto, raw ?? {}, base);
}

/** A PII rule given as plain JSON, as parseInputContract. */
export function parsePiiRule(raw: unknown, base = ''): DocumentCheck<PiiRule> {
  return checkPlain(PiiRuleDto, raw ?? {}, base);
}

/** parsePiiRule() for callers that hold a literal they know is valid (fixtures, benchmarks): throws otherwise. */
export function piiRule(raw: unknown): PiiRule {
  const parsed = parsePiiRule(raw);
  if (!parsed.ok) throw new Error(`invalid PII rule at ${parsed.errors[0].pointer || '/'}: ${parsed.errors[0].detail}`);
  return parsed.value;
}
