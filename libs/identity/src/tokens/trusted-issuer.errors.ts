import { ProblemException } from '@infergate/common';

export class TrustedIssuerConflictException extends ProblemException {
  constructor() {
    super({ status: 409, slug: 'issuer-exists', title: 'Conflict', detail: 'A trusted issuer with this issuer URL already exists.' });
  }
}
