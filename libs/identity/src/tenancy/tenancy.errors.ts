import { ProblemException } from '@infergate/common';

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
