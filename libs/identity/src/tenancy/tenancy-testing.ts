import { DynamicModule, Global, Module, ModuleMetadata } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditModule } from '@infergate/audit';
import { AccessForbiddenException, type OptionsInput, ResourceNotFoundException, validateOptions } from '@infergate/common';
import { DatabaseModule, DatabaseService } from '@infergate/database';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import {
  ACCESS_POLICY,
  type AccessPolicy,
  type PolicyAction,
  type PolicySubject,
  type Principal,
  type RoleGrant,
  type Scope,
} from '@infergate/contracts';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { IdentityCoreModule } from '../identity-core.module';
import { IDENTITY_OPTIONS, IdentityModuleOptions } from '../identity.options';
import { TenancyDirectoryModule } from './tenancy-directory.module';

@Global()
@Module({})
class IdentityTestOptionsModule {}

/**
 * IDENTITY_OPTIONS for specs that use identity's static modules without IdentityModule.forRoot:
 * validated like the real thing, defaults included.
 */
export function identityOptionsForTests(options: OptionsInput<IdentityModuleOptions>): {
  options: IdentityModuleOptions;
  module: DynamicModule;
} {
  const validated = validateOptions(IdentityModuleOptions, options, 'identity');
  return {
    options: validated,
    module: {
      module: IdentityTestOptionsModule,
      providers: [{ provide: IDENTITY_OPTIONS, useValue: validated }],
      exports: [IDENTITY_OPTIONS],
    },
  };
}

/**
 * For unit specs of the tenancy directory and API keys: the real services on a fresh SQLite file,
 * deciding access through ReferenceAccessPolicy.
 */
export async function startTenancyTestbed(options: OptionsInput<IdentityModuleOptions> = {}, extra: ModuleMetadata = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'infergate-tenancy-'));
  const identity = identityOptionsForTests({ masterKey: randomBytes(32).toString('base64'), ...options });
  const moduleRef = await Test.createTestingModule({
    imports: [
      identity.module,
      DatabaseModule.forRoot({ database: { sqlitePath: join(dir, 'db.sqlite') }, connectOnStart: false }),
      AuditModule.forRoot({ spoolDir: join(dir, 'audit-spool') }),
      TestAccessPolicyModule,
      IdentityCoreModule,
      TenancyDirectoryModule,
      ApiKeysModule,
      ...(extra.imports ?? []),
    ],
    providers: extra.providers ?? [],
  }).compile();
  moduleRef.useLogger(false);
  const app = await moduleRef.init();
  const database = app.get(DatabaseService);
  await database.migrate();
  return {
    app,
    database,
    config: identity.options,
    close: async () => {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A principal of `orgId` holding `roles` there (or platform-wide for platform-admin). */
export function testPrincipal(
  orgId: string | null,
  roles: RoleGrant['role'][],
  subject = 'caller',
  scopes: Scope[] = ['admin'],
): Principal {
  return {
    kind: 'application',
    subject,
    orgId,
    projectIds: [],
    roles: roles.map((role) => ({ role, orgId: role === 'platform-admin' ? null : orgId, projectId: null })),
    scopes,
    clearance: 'restricted',
    allowedRegions: [],
    allowedCidrs: [],
    authMethod: 'api_key',
  };
}

/**
 * A stand-in for the authorization module's AccessPolicy in the identity library's unit specs (the
 * library may not depend on authorization): the shipped default policy for the tenancy directory,
 * written by hand. A platform admin may do everything; an org admin (org-wide grant) administers its
 * own organization's resources but not the organization itself; an auditor reads them; nobody else
 * sees anything. The real policy set is exercised end to end in test/authorization.
 */
export class ReferenceAccessPolicy implements AccessPolicy {
  private parameter = 0;

  can(principal: Principal, action: PolicyAction, subject: PolicySubject, resource?: object): boolean {
    if (isPlatformAdmin(principal)) return true;
    if (subject === 'TrustedIssuer') return false;
    const orgs = this.orgsFor(principal, action === 'read' ? 'read' : subject === 'Organization' ? 'none' : 'write');
    if (resource === undefined) return orgs.length > 0;
    const orgId = (resource as Record<string, unknown>)[subject === 'Organization' ? 'id' : 'orgId'];
    return typeof orgId === 'string' && orgs.includes(orgId);
  }

  assert(principal: Principal, action: PolicyAction, subject: PolicySubject, resource: object): void {
    if (!this.can(principal, 'read', subject, resource)) throw new ResourceNotFoundException();
    if (!this.can(principal, action, subject, resource)) throw new AccessForbiddenException();
  }

  restrictQuery<T extends ObjectLiteral>(
    query: SelectQueryBuilder<T>,
    alias: string,
    principal: Principal,
    action: PolicyAction,
    subject: PolicySubject,
  ): SelectQueryBuilder<T> {
    if (isPlatformAdmin(principal)) return query;
    const orgs = subject === 'TrustedIssuer' ? [] : this.orgsFor(principal, action === 'read' ? 'read' : 'write');
    if (orgs.length === 0) return query.andWhere('1 = 0');
    const name = `reference_orgs_${(this.parameter += 1)}`;
    return query.andWhere(`${alias}.${subject === 'Organization' ? 'id' : 'orgId'} IN (:...${name})`, { [name]: orgs });
  }

  readableFields(): 'all' {
    return 'all';
  }

  private orgsFor(principal: Principal, mode: 'read' | 'write' | 'none'): string[] {
    const roles = mode === 'read' ? ['org-admin', 'auditor'] : mode === 'write' ? ['org-admin'] : [];
    const own = principal.orgId;
    const held = principal.roles.some((grant) => roles.includes(grant.role) && grant.orgId === own && grant.projectId === null);
    return own && held ? [own] : [];
  }
}

function isPlatformAdmin(principal: Principal): boolean {
  return principal.roles.some((grant) => grant.role === 'platform-admin' && grant.orgId === null);
}

@Global()
@Module({ providers: [{ provide: ACCESS_POLICY, useClass: ReferenceAccessPolicy }], exports: [ACCESS_POLICY] })
export class TestAccessPolicyModule {}
