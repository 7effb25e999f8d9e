import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { validatePlain } from '@infergate/validation';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SCOPES, type Role } from '@infergate/contracts';
import {
  ApiKeysService,
  ApplicationsService,
  CreateApiKeyDto,
  CreateApplicationDto,
  CreateOrganizationDto,
  OrganizationsService,
  RoleBindingsService,
  SYSTEM_PRINCIPAL,
} from '@infergate/identity';

/** A plan directory of its own (PLANS_DIR) holding one plans.yaml. */
export function writePlansDir(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'infergate-plans-'));
  writeFileSync(join(dir, 'plans.yaml'), yaml);
  return dir;
}

export interface Tenant {
  orgId: string;
  appId: string;
  key: string;
}

/** An organization (created unless `orgId` is given), an application in it, and an API key for it. */
export async function createTenant(
  app: NestFastifyApplication,
  options: { orgName?: string; orgId?: string; role?: Role },
): Promise<Tenant> {
  const orgId =
    options.orgId ??
    (
      await app
        .get(OrganizationsService)
        .create(SYSTEM_PRINCIPAL, validatePlain(CreateOrganizationDto, { name: options.orgName ?? `org-${Date.now()}` }))
    ).id;
  const created = await app
    .get(ApplicationsService)
    .create(
      SYSTEM_PRINCIPAL,
      orgId,
      validatePlain(CreateApplicationDto, { name: `app-${Math.random().toString(36).slice(2, 10)}`, allowedScopes: [...SCOPES] }),
    );
  if (options.role) {
    await app
      .get(RoleBindingsService)
      .create(SYSTEM_PRINCIPAL, { principalType: 'application', principalId: created.id, role: options.role, orgId });
  }
  const key = await app
    .get(ApiKeysService)
    .create(SYSTEM_PRINCIPAL, orgId, created.id, validatePlain(CreateApiKeyDto, { name: 'k', scopes: [...SCOPES] }));
  return { orgId, appId: created.id, key: key.key };
}
