import { ProblemException } from '@infergate/common';

/**
 * The caller may not even read the resource. Byte-identical to the gateway's answer for a path where
 * nothing exists, so that another organization's resources cannot be discovered.
 */
export class ResourceNotFoundException extends ProblemException {
  constructor() {
    super({ status: 404, slug: 'not-found', title: 'Not Found', detail: 'No resource exists at this path.' });
  }
}

/** The caller may see the resource (or the route) but not do this to it. */
export class AccessForbiddenException extends ProblemException {
  constructor() {
    super({ status: 403, slug: 'forbidden', title: 'Forbidden', detail: 'You are not allowed to do this.' });
  }
}

/** A policy condition restrictQuery cannot express in SQL: a policy or programming error, never the caller's. */
export class UntranslatableConditionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = UntranslatableConditionError.name;
  }
}
