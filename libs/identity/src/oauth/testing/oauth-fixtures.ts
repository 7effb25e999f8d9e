import { randomBytes, randomUUID } from 'node:crypto';
import type { DatabaseService } from '@infergate/database';
import type { MasterKey } from '../../crypto/master-key';
import { ApplicationEntity } from '../../tenancy/application.entity';
import { generateClientId, generateClientSecret } from '../../tenancy/client-secrets';
import { OrganizationEntity } from '../../tenancy/organization.entity';
import { ProjectEntity } from '../../tenancy/project.entity';
import { RoleBindingEntity } from '../../tenancy/role-binding.entity';
import type { Role } from '@infergate/contracts';

/**
 * Tenancy rows for tests of the authorization server, written straight through the repositories
 * (the way the admin API stores them: secrets only as keyed hashes).
 */
export async function createOrganization(
  database: DatabaseService,
  overrides: Partial<OrganizationEntity> = {},
): Promise<OrganizationEntity> {
  const now = new Date();
  const repository = database.repository(OrganizationEntity);
  return repository.save(
    repository.create({
      id: randomUUID(),
      name: `org-${randomBytes(4).toString('hex')}`,
      displayName: null,
      status: 'active',
      allowedRegions: [],
      allowedCidrs: [],
      maxClearance: 'restricted',
      createdAt: now,
      updatedAt: now,
      ...overrides,
    }),
  );
}

export async function createProject(database: DatabaseService, orgId: string): Promise<ProjectEntity> {
  const now = new Date();
  const repository = database.repository(ProjectEntity);
  return repository.save(
    repository.create({
      id: randomUUID(),
      orgId,
      name: `project-${randomBytes(4).toString('hex')}`,
      status: 'active',
      createdAt: now,
      updatedAt: now,
    }),
  );
}

export interface CreatedApplication {
  application: ApplicationEntity;
  /** The client secret in clear, as the admin API would show it once. */
  secret: string;
}

export async function createApplication(
  database: DatabaseService,
  masterKey: MasterKey,
  orgId: string,
  overrides: Partial<ApplicationEntity> = {},
): Promise<CreatedApplication> {
  const now = new Date();
  const secret = generateClientSecret();
  const repository = database.repository(ApplicationEntity);
  const application = await repository.save(
    repository.create({
      id: randomUUID(),
      orgId,
      projectId: null,
      clientId: generateClientId(),
      name: 'test client',
      status: 'active',
      authMethod: 'client_secret_basic',
      allowedScopes: ['infer', 'models:read'],
      secretHash: masterKey.hash('client-secret', secret),
      previousSecretHash: null,
      previousSecretExpiresAt: null,
      jwks: null,
      tlsCertThumbprint: null,
      tlsSubjectSan: null,
      clearance: 'internal',
      allowedRegions: ['eu-west-1'],
      allowedCidrs: [],
      createdAt: now,
      updatedAt: now,
      disabledAt: null,
      ...overrides,
    }),
  );
  return { application, secret };
}

export async function bindRole(
  database: DatabaseService,
  applicationId: string,
  role: Role,
  orgId: string | null,
  projectId: string | null = null,
): Promise<void> {
  const repository = database.repository(RoleBindingEntity);
  await repository.save(
    repository.create({
      id: randomUUID(),
      principalType: 'application',
      principalId: applicationId,
      role,
      orgId,
      projectId,
      createdAt: new Date(),
    }),
  );
}
