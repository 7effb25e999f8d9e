import { ProblemException } from '@infergate/common';

/** No trusted issuer with this id (also the answer for one the caller may not see). */
export class TrustedIssuerNotFoundException extends ProblemException {
  constructor() {
    super({ status: 404, slug: 'not-found', title: 'Not Found', detail: 'No resource exists at this path.' });
  }
}

export class TrustedIssuerConflictException extends ProblemException {
  constructor() {
    super({ status: 409, slug: 'issuer-exists', title: 'Conflict', detail: 'A trusted issuer with this issuer URL already exists.' });
  }
}

/** Managing trusted issuers is for platform administrators only. */
export class PlatformAdminRequiredException extends ProblemException {
  constructor() {
    super({ status: 403, slug: 'forbidden', title: 'Forbidden', detail: 'You are not allowed to do this.' });
  }
}
