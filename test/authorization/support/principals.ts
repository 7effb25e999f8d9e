import type { INestApplication } from '@nestjs/common';
import { SCOPES, type Role, type Scope } from '@infergate/contracts';
import { ApplicationsService, RoleBindingsService, SYSTEM_PRINCIPAL } from '@infergate/identity';

/** A real application of an organization, its role there (if any), and an access token from POST /oauth/token. */
export interface TestCaller {
  appId: string;
  clientId: string;
  token: string;
}

/** An access token from the app's own authorization server (client_credentials, client_secret_basic). */
export async function issueToken(baseUrl: string, clientId: string, clientSecret: string, scopes?: readonly Scope[]): Promise<string> {
  const response = await fetch(`${baseUrl}/oauth/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', ...(scopes ? { scope: scopes.join(' ') } : {}) }).toString(),
  });
  if (response.status !== 200) throw new Error(`token endpoint answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

/**
 * Creates an application of `orgId` allowed every scope, binds `role` to it (org-wide; platform-wide
 * for platform-admin; nothing for `null`) through the services, and gets it a token over HTTP.
 */
export async function callerWithRole(
  app: INestApplication,
  baseUrl: string,
  orgId: string,
  role: Role | null,
  scopes: readonly Scope[] = SCOPES,
): Promise<TestCaller> {
  const created = await app.get(ApplicationsService).create(SYSTEM_PRINCIPAL, orgId, {
    name: `${role ?? 'no-role'}-caller`,
    authMethod: 'client_secret_basic',
    allowedScopes: [...SCOPES],
    clearance: 'public',
    allowedRegions: [],
    allowedCidrs: [],
  });
  if (role) {
    await app.get(RoleBindingsService).create(SYSTEM_PRINCIPAL, {
      principalType: 'application',
      principalId: created.id,
      role,
      ...(role === 'platform-admin' ? {} : { orgId }),
    });
  }
  return {
    appId: created.id,
    clientId: created.clientId,
    token: await issueToken(baseUrl, created.clientId, created.clientSecret!, scopes),
  };
}
