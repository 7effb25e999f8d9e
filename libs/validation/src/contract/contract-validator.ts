import { Injectable } from '@nestjs/common';
import { ContractCompiler } from './contract-compiler';
import { assertContract, type ContractCheck } from './contract-violation.exception';
import type { OpenAiKind } from './openai-request-schemas';

/** Which protocol the body speaks: native rows, an Open Inference Protocol v2 request, or one OpenAI request kind. */
export type ContractSurface = 'native' | 'kserve-v2' | OpenAiKind;

/**
 * The model-contract check of an inference request, as one injectable for a pipe or interceptor: the
 * version's contract is compiled once per cache key (ContractCompiler's bounded LRU) and the body checked
 * with the compiled ajv validators. No per-call allocation beyond what the check itself reports.
 */
@Injectable()
export class ContractValidator {
  constructor(private readonly compiler: ContractCompiler) {}

  /**
   * The check's answer: `{ ok: true, elements }` (rows, tensor elements or approximate tokens, for
   * per-element cost) or every violation (`malformed`: 400, else 422). `cacheKey` must change whenever
   * the contract does (the resolved version's cacheKey). Throws ContractCompileError for a contract that
   * does not compile (refused at registration, so only a contract edited in storage gets here).
   */
  check(cacheKey: string, contract: unknown, surface: ContractSurface, body: unknown): ContractCheck {
    const compiled = this.compiler.compile(cacheKey, contract);
    switch (surface) {
      case 'native':
        return compiled.validateNative(body);
      case 'kserve-v2':
        return compiled.validateKserveV2(body);
      default:
        return compiled.validateOpenAI(surface, body);
    }
  }

  /** check(), answering the element count or throwing the problem: 400 RequestValidationException or 422 ContractViolationException. */
  assert(cacheKey: string, contract: unknown, surface: ContractSurface, body: unknown): number {
    return assertContract(this.check(cacheKey, contract, surface, body));
  }
}
