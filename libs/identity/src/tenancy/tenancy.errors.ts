import { ProblemException } from '@infergate/common';

/**
 * A resource that does not exist or that the caller may not see: both answer exactly alike, so that
 * nobody learns what another organization holds.
 */
export class TenancyNotFoundException extends ProblemException {
  constructor() {
    super({ status: 404, slug: 'not-found', title: 'Not Found', detail: 'No resource exists at this path.' });
  }
}

/** The caller may see the resource but not change it. */
export class TenancyForbiddenException extends ProblemException {
  constructor(detail = 'You are not allowed to do this.') {
    super({ status: 403, slug: 'forbidden', title: 'Forbidden', detail });
  }
}

/** A unique name taken, or a change the current state does not allow. */
export class TenancyConflictException extends ProblemException {
  constructor(detail: string) {
    super({ status: 409, slug: 'conflict', title: 'Conflict', detail });
  }
}

/** True when `error` is a unique-constraint violation from SQLite or PostgreSQL. */
export function isUniqueViolation(error: unknown): boolean {
  const { code, driverError } = (error ?? {}) as { code?: unknown; driverError?: { code?: unknown } };
  const codes = [code, driverError?.code];
  return codes.some((c) => c === '23505' || c === 'SQLITE_CONSTRAINT_UNIQUE' || c === 'SQLITE_CONSTRAINT_PRIMARYKEY');
}
