import { DynamicModule, Module } from '@nestjs/common';
import { AuditModule } from '@infergate/audit';
import { PolicyStore } from './policy.store';
import { POLICY_SOURCE } from './policy.types';

/**
 * Provides the active policy set under POLICY_SOURCE (and as PolicyStore, for reloads), read from
 * `authorization.policyDir` of the injected AUTHORIZATION_OPTIONS. The application does not start without a
 * valid set.
 */
@Module({})
export class PolicyModule {
  static forRoot(): DynamicModule {
    return {
      module: PolicyModule,
      imports: [AuditModule],
      providers: [PolicyStore, { provide: POLICY_SOURCE, useExisting: PolicyStore }],
      exports: [PolicyStore, POLICY_SOURCE],
    };
  }
}
