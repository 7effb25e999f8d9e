import { DynamicModule, Module } from '@nestjs/common';
import { INTERNAL_DIRECTORY_OPTIONS, InternalDirectory, type InternalDirectoryOptions } from './internal-directory.service';
import { InternalTicketStrategy } from './internal-ticket.strategy';
import { LdapBearerStrategy } from './ldap-bearer.strategy';

/**
 * A team's credentials added to the gateway: import this module next to IdentityModule and the
 * global AuthenticationGuard sends `X-Internal-Ticket` and `Bearer ldap:…` requests to these
 * strategies. Nothing in the gateway or in identity changes; the built-in credentials work as before.
 */
@Module({})
export class InternalAuthModule {
  static forRoot(options: InternalDirectoryOptions): DynamicModule {
    return {
      module: InternalAuthModule,
      providers: [
        { provide: INTERNAL_DIRECTORY_OPTIONS, useValue: options },
        InternalDirectory,
        InternalTicketStrategy,
        LdapBearerStrategy,
      ],
    };
  }
}
