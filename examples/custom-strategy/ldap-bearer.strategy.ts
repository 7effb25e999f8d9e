import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-custom';
import type { Principal } from '@infergate/contracts';
import { AuthenticationStrategy, type CredentialRequest, InvalidTokenException } from '@infergate/identity';
import { InternalDirectory } from './internal-directory.service';

const PREFIX = 'ldap:';

/**
 * `Authorization: Bearer ldap:<token>`: a bearer token of another kind, claimed by its prefix before
 * the gateway's own bearer strategy would try to parse it. A failure may also be thrown as the
 * gateway's own problem exception: it reaches the client as it is.
 */
@Injectable()
@AuthenticationStrategy({ name: 'ldap-bearer', credential: { bearerPrefix: PREFIX } })
export class LdapBearerStrategy extends PassportStrategy(Strategy, 'ldap-bearer') {
  constructor(private readonly directory: InternalDirectory) {
    super();
  }

  validate(request: CredentialRequest): Principal {
    const { credential } = request.authentication;
    const principal = credential.kind === 'custom' ? this.directory.ldapUser(credential.value.slice(PREFIX.length)) : undefined;
    if (!principal) throw new InvalidTokenException('unknown_credential');
    return principal;
  }
}
