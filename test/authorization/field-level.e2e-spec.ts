import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { ApplicationsService, OrganizationsService, SYSTEM_PRINCIPAL } from '@infergate/identity';
import { RunningGateway, startGateway } from '../support/in-process-gateway';
import { callerWithRole } from './support/principals';

/** What an auditor may read of an application in this test's policy set: no credentials, no network allowlist. */
const AUDITOR_FIELDS = [
  'id',
  'orgId',
  'projectId',
  'clientId',
  'name',
  'status',
  'authMethod',
  'allowedScopes',
  'clearance',
  'createdAt',
  'updatedAt',
];
const HIDDEN = ['jwks', 'tlsCertThumbprint', 'tlsSubjectSan', 'allowedCidrs', 'allowedRegions', 'previousSecretExpiresAt', 'disabledAt'];

/**
 * Field-level rules reach the responses: with the shipped policy set changed so that the auditors'
 * rule on applications lists fields, an auditor's answers leave the others out while an org admin's
 * keep everything. (The shipped set restricts no field today; this proves the plumbing.)
 */
describe('field-level rules (e2e): responses drop the fields a policy keeps from the caller', () => {
  let gateway: RunningGateway;
  let policyDir: string;
  let orgId: string;
  let appId: string;

  beforeAll(async () => {
    policyDir = mkdtempSync(join(tmpdir(), 'infergate-policies-'));
    cpSync(resolve(__dirname, '../../policies'), policyDir, { recursive: true });
    const file = join(policyDir, '10-tenancy.yaml');
    const document = parse(readFileSync(file, 'utf8')) as { rules: { id: string; fields?: string[] }[] };
    const rule = document.rules.find((candidate) => candidate.id === 'auditor-applications-read');
    if (!rule) throw new Error('the shipped policy set no longer has auditor-applications-read');
    rule.fields = AUDITOR_FIELDS;
    writeFileSync(file, stringify(document));

    gateway = await startGateway({
      MASTER_KEY: randomBytes(32).toString('base64'),
      BOOTSTRAP_ADMIN_CLIENT_SECRET: 'fields-bootstrap-secret-0123456789abcdef',
      POLICY_DIR: policyDir,
      POLICY_WATCH: 'false',
    });
    const { app } = gateway;
    orgId = (
      await app
        .get(OrganizationsService)
        .create(SYSTEM_PRINCIPAL, { name: 'fields', allowedRegions: [], allowedCidrs: [], maxClearance: 'restricted' })
    ).id;
    appId = (
      await app.get(ApplicationsService).create(SYSTEM_PRINCIPAL, orgId, {
        name: 'mtls-client',
        authMethod: 'tls_client_auth',
        allowedScopes: ['infer'],
        clearance: 'internal',
        allowedRegions: ['eu-west-1'],
        allowedCidrs: ['10.0.0.0/8'],
        tlsSubjectSan: 'DNS:client.example.com',
      })
    ).id;
  });
  afterAll(async () => {
    await gateway?.close();
    rmSync(policyDir, { recursive: true, force: true });
  });

  const get = async (token: string, path: string) => {
    const response = await fetch(`${gateway.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    return (await response.json()) as Record<string, unknown> & { items?: Record<string, unknown>[] };
  };

  it("leaves an application's credentials and network allowlist out of an auditor's answers, one and listed", async () => {
    const { token } = await callerWithRole(gateway.app, gateway.url, orgId, 'auditor');
    const one = await get(token, `/v1/admin/organizations/${orgId}/applications/${appId}`);
    expect(Object.keys(one).sort()).toEqual([...AUDITOR_FIELDS].sort());
    const listed = (await get(token, `/v1/admin/organizations/${orgId}/applications`)).items!.find((item) => item.id === appId)!;
    expect(Object.keys(listed).sort()).toEqual([...AUDITOR_FIELDS].sort());
  });

  it('keeps every field for an org admin, whose rule lists none', async () => {
    const { token } = await callerWithRole(gateway.app, gateway.url, orgId, 'org-admin');
    const one = await get(token, `/v1/admin/organizations/${orgId}/applications/${appId}`);
    expect(one).toMatchObject({ tlsSubjectSan: 'DNS:client.example.com', allowedCidrs: ['10.0.0.0/8'], allowedRegions: ['eu-west-1'] });
    expect(Object.keys(one)).toEqual(expect.arrayContaining(HIDDEN));
  });
});
