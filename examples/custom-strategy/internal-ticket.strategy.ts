import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-custom';
import type { Principal } from '@infergate/contracts';
import { AuthenticationStrategy, type CredentialRequest } from '@infergate/identity';
import { InternalDirectory } from './internal-directory.service';

/**
 * `X-Internal-Ticket: <ticket>`. The guard hands over the header's value (request.authentication):
 * the strategy reads no header itself. An unknown ticket returns null: the guard answers 401
 * invalid_token, audits and counts it under this strategy's name.
 */
@Injectable()
@AuthenticationStrategy({ name: 'internal-ticket', credential: { header: 'X-Internal-Ticket' } })
export class InternalTicketStrategy extends PassportStrategy(Strategy, 'internal-ticket') {
  constructor(private readonly directory: InternalDirectory) {
    super();
  }

  validate(request: CredentialRequest): Principal | null {
    const { credential } = request.authentication;
    return (credential.kind === 'custom' && this.directory.ticketHolder(credential.value)) || null;
  }
}
