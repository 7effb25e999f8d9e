import { ProblemException } from '@infergate/common';
import type { ModelStage } from './model-registry.types';

/** A name taken, or a change the registry's current state does not allow. */
export class RegistryConflictException extends ProblemException {
  constructor(detail: string) {
    super({ status: 409, slug: 'conflict', title: 'Conflict', detail });
  }
}

/** A stage transition the lifecycle does not allow; names the stages the version may move to. */
export class StageTransitionNotAllowedException extends ProblemException {
  constructor(from: ModelStage, to: ModelStage, allowed: readonly ModelStage[]) {
    super({
      status: 409,
      slug: 'stage-transition-not-allowed',
      title: 'Conflict',
      detail:
        allowed.length === 0
          ? `A version in stage "${from}" cannot move to "${to}": "${from}" is final.`
          : `A version in stage "${from}" cannot move to "${to}"; allowed: ${allowed.join(', ')}.`,
      extensions: { from, to, allowed: [...allowed] },
    });
  }
}

/**
 * A model endpoint the gateway refuses to call (scheme, credentials in the URL, an address range that
 * is not allowlisted, a model file outside MODELS_DIR). 422 with the offending field's JSON pointer.
 */
export class EndpointRejectedException extends ProblemException {
  constructor(pointer: string, detail: string) {
    super({
      status: 422,
      slug: 'endpoint-rejected',
      title: 'Unprocessable Content',
      detail: 'The model endpoint is not acceptable.',
      errors: [{ pointer, detail }],
    });
  }
}

/** 403 for a version pinned to a region the caller may not send data to; the detail names the region. */
export class DataResidencyException extends ProblemException {
  constructor(region: string) {
    super({
      status: 403,
      slug: 'forbidden',
      title: 'Forbidden',
      detail: `data residency: version is pinned to region ${region}, not among the caller's allowed regions`,
    });
  }
}

/** True when `error` is a unique-constraint violation from SQLite or PostgreSQL. */
export function isUniqueViolation(error: unknown): boolean {
  const { code, driverError } = (error ?? {}) as { code?: unknown; driverError?: { code?: unknown } };
  const codes = [code, driverError?.code];
  return codes.some((c) => c === '23505' || c === 'SQLITE_CONSTRAINT_UNIQUE' || c === 'SQLITE_CONSTRAINT_PRIMARYKEY');
}
