import { Inject, Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Principal, RoleGrant, Scope } from '@infergate/contracts';

/** Who holds a credential of the internal directory (an LDAP server or a ticket service, in a real team). */
export interface InternalAccount {
  subject: string;
  orgId: string;
  roles: RoleGrant[];
  scopes: Scope[];
}

export interface InternalDirectoryOptions {
  /** Internal tickets (`X-Internal-Ticket`) and the account each belongs to. */
  tickets: Record<string, InternalAccount>;
  /** LDAP bind tokens (`Authorization: Bearer ldap:<token>`) and their accounts. */
  ldapTokens: Record<string, InternalAccount>;
}
export const INTERNAL_DIRECTORY_OPTIONS = Symbol('InternalDirectoryOptions');

const digest = (secret: string) => createHash('sha256').update(secret).digest();

/**
 * The team's own verifier: the strategies stay thin and call it, as the gateway's strategies call
 * theirs. Secrets are compared by digest in constant time.
 */
@Injectable()
export class InternalDirectory {
  private readonly tickets: Array<[Buffer, InternalAccount]>;
  private readonly ldapTokens: Array<[Buffer, InternalAccount]>;

  constructor(@Inject(INTERNAL_DIRECTORY_OPTIONS) options: InternalDirectoryOptions) {
    this.tickets = Object.entries(options.tickets).map(([secret, account]) => [digest(secret), account]);
    this.ldapTokens = Object.entries(options.ldapTokens).map(([secret, account]) => [digest(secret), account]);
  }

  ticketHolder(ticket: string): Principal | undefined {
    return this.find(this.tickets, ticket);
  }

  ldapUser(token: string): Principal | undefined {
    return this.find(this.ldapTokens, token);
  }

  private find(entries: Array<[Buffer, InternalAccount]>, secret: string): Principal | undefined {
    const presented = digest(secret);
    const account = entries.find(([known]) => timingSafeEqual(known, presented))?.[1];
    if (!account) return undefined;
    return {
      kind: 'user',
      subject: account.subject,
      orgId: account.orgId,
      projectIds: [],
      roles: account.roles.map((grant) => ({ ...grant })),
      scopes: [...account.scopes],
      clearance: 'internal',
      allowedRegions: [],
      allowedCidrs: [],
      authMethod: 'external_token',
    };
  }
}
