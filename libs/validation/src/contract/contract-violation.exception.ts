import { ProblemException, ProblemFieldError, RequestValidationException } from '@infergate/common';

/**
 * A well-formed inference request that breaks the model version's input contract: 422, one
 * `errors[]` entry per violation (JSON pointer and a message that never echoes the value).
 */
export class ContractViolationException extends ProblemException {
  constructor(errors: ProblemFieldError[], truncated = false) {
    super({
      status: 422,
      slug: 'contract-violation',
      title: 'Unprocessable Content',
      detail: truncated
        ? "The request does not satisfy this model's input contract (only the first violations are listed)."
        : "The request does not satisfy this model's input contract.",
      errors,
    });
  }
}

/** What a contract check answers: the element count used for per-element cost, or every violation. */
export type ContractCheck = ContractCheckPassed | ContractCheckFailed;

export interface ContractCheckPassed {
  ok: true;
  /**
   * Units of work in the request, for per-element quota cost. Native and KServe v2: the number of rows
   * when the contract has any scalar feature; the total number of tensor elements when all features
   * are tensors. OpenAI: the approximate input token count (characters / 4, rounded up, at least 1).
   */
  elements: number;
}

export interface ContractCheckFailed {
  ok: false;
  /** true: the body does not even have the protocol's shape (400); false: it breaks the contract (422). */
  malformed: boolean;
  errors: ProblemFieldError[];
  /** More violations existed than are listed. */
  truncated: boolean;
}

/** The problem to answer for a failed check: 400 for a malformed body, 422 for a contract violation. */
export function contractCheckException(failed: ContractCheckFailed): ProblemException {
  return failed.malformed ? new RequestValidationException(failed.errors) : new ContractViolationException(failed.errors, failed.truncated);
}

/** Returns the element count, or throws the matching problem. */
export function assertContract(check: ContractCheck): number {
  if (check.ok) return check.elements;
  throw contractCheckException(check);
}
