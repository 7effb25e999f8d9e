import { randomBytes } from 'node:crypto';
import { AuditService } from '@infergate/audit';
import { type Role } from '@infergate/contracts';
import {
  ApiKeysService,
  ApplicationsService,
  CreateTrustedIssuerDto,
  OrganizationsService,
  ProjectsService,
  RoleBindingsService,
  SYSTEM_PRINCIPAL,
  TrustedIssuersService,
} from '@infergate/identity';
import { CREDIT_RISK_DEMO, CREDIT_RISK_FEATURES, creditRiskContract } from '@infergate/inference';
import { validatePlain } from '@infergate/validation';
import {
  CreateVersionDto,
  ModelAliasesService,
  ModelRegistryService,
  ModelsService,
  ModelVersionsService,
  StageTransitionsService,
} from '@infergate/model-registry';
import { RunningGateway, startGateway } from '../support/in-process-gateway';
import { callerWithRole, type TestCaller } from './support/principals';
import { routeKey, routeTable } from './support/route-table';

/**
 * The authorization matrix, generated from the route table: every route that is not public × every
 * role × a resource of the caller's own organization and one of another organization, against the
 * real gateway with real tokens (POST /oauth/token) and the shipped policy set.
 *
 * Every caller is an application of the OWN organization holding one role there (platform-admin is
 * bound platform-wide) and a token with every scope, so that roles decide and scopes never do
 * (scope narrowing is covered by the tenancy and API key suites).
 *
 * A cell is `own other`: the expected status for a target in the caller's organization, then for one
 * in the other. For lists not scoped to an organization by their path, `200+` means 200 with that
 * organization's fixture listed and `200-` means 200 without it (the SQL filter at work).
 * Mutating cells act on resources made for that cell, so that no cell changes what another sees.
 */
const COLUMNS: readonly (Role | null)[] = ['platform-admin', 'org-admin', 'model-publisher', 'model-consumer', 'auditor', null];

// prettier-ignore
const EXPECTED: Record<string, string> = {
  //                                                                                  platform-admin  org-admin   model-publisher  model-consumer  auditor     no role
  'GET /v1/admin/organizations':                                                      '200+ 200+ | 200+ 200- | 403 403 | 403 403 | 200+ 200- | 403 403',
  'POST /v1/admin/organizations':                                                     '201 201   | 403 403   | 403 403 | 403 403 | 403 403   | 403 403',
  'GET /v1/admin/organizations/:orgId':                                               '200 200   | 200 404   | 403 403 | 403 403 | 200 404   | 403 403',
  // Org admins only read their organization: the guard refuses the type before any lookup (403 either way).
  'PATCH /v1/admin/organizations/:orgId':                                             '200 200   | 403 403   | 403 403 | 403 403 | 403 403   | 403 403',
  // A platform admin may not disable the organization it belongs to (409).
  'POST /v1/admin/organizations/:orgId/disable':                                      '409 200   | 403 403   | 403 403 | 403 403 | 403 403   | 403 403',
  'POST /v1/admin/organizations/:orgId/enable':                                       '200 200   | 403 403   | 403 403 | 403 403 | 403 403   | 403 403',
  'GET /v1/admin/organizations/:orgId/projects':                                      '200 200   | 200 404   | 403 403 | 403 403 | 200 404   | 403 403',
  'POST /v1/admin/organizations/:orgId/projects':                                     '201 201   | 201 404   | 403 403 | 403 403 | 403 403   | 403 403',
  'GET /v1/admin/organizations/:orgId/projects/:projectId':                           '200 200   | 200 404   | 403 403 | 403 403 | 200 404   | 403 403',
  'PATCH /v1/admin/organizations/:orgId/projects/:projectId':                         '200 200   | 200 404   | 403 403 | 403 403 | 403 403   | 403 403',
  'POST /v1/admin/organizations/:orgId/projects/:projectId/disable':                  '200 200   | 200 404   | 403 403 | 403 403 | 403 403   | 403 403',
  'POST /v1/admin/organizations/:orgId/projects/:projectId/enable':                   '200 200   | 200 404   | 403 403 | 403 403 | 403 403   | 403 403',
  'GET /v1/admin/organizations/:orgId/applications':                                  '200 200   | 200 404   | 403 403 | 403 403 | 200 404   | 403 403',
  'POST /v1/admin/organizations/:orgId/applications':                                 '201 201   | 201 404   | 403 403 | 403 403 | 403 403   | 403 403',
  'GET /v1/admin/organizations/:orgId/applications/:appId':                           '200 200   | 200 404   | 403 403 | 403 403 | 200 404   | 403 403',
  'PATCH /v1/admin/organizations/:orgId/applications/:appId':                         '200 200   | 200 404   | 403 403 | 403 403 | 403 403   | 403 403',
  'POST /v1/admin/organizations/:orgId/applications/:appId/rotate-secret':            '200 200   | 200 404   | 403 403 | 403 403 | 403 403   | 403 403',
  'POST /v1/admin/organizations/:orgId/applications/:appId/disable':                  '200 200   | 200 404   | 403 403 | 403 403 | 403 403   | 403 403',
  'POST /v1/admin/organizations/:orgId/applications/:appId/enable':                   '200 200   | 200 404   | 403 403 | 403 403 | 403 403   | 403 403',
  'GET /v1/admin/organizations/:orgId/applications/:appId/api-keys':                  '200 200   | 200 404   | 403 403 | 403 403 | 200 404   | 403 403',
  'POST /v1/admin/organizations/:orgId/applications/:appId/api-keys':                 '201 201   | 201 404   | 403 403 | 403 403 | 403 403   | 403 403',
  'GET /v1/admin/organizations/:orgId/applications/:appId/api-keys/:keyId':           '200 200   | 200 404   | 403 403 | 403 403 | 200 404   | 403 403',
  'DELETE /v1/admin/organizations/:orgId/applications/:appId/api-keys/:keyId':        '204 204   | 204 404   | 403 403 | 403 403 | 403 403   | 403 403',
  'GET /v1/admin/role-bindings':                                                      '200+ 200+ | 200+ 200- | 403 403 | 403 403 | 200+ 200- | 403 403',
  'POST /v1/admin/role-bindings':                                                     '201 201   | 201 404   | 403 403 | 403 403 | 403 403   | 403 403',
  'GET /v1/admin/role-bindings/:bindingId':                                           '200 200   | 200 404   | 403 403 | 403 403 | 200 404   | 403 403',
  'DELETE /v1/admin/role-bindings/:bindingId':                                        '204 204   | 204 404   | 403 403 | 403 403 | 403 403   | 403 403',
  'GET /v1/admin/issuers':                                                            '200+ 200+ | 200+ 200- | 403 403 | 403 403 | 200+ 200- | 403 403',
  // Only platform admins change trusted issuers; org admins and auditors read their organization's.
  'POST /v1/admin/issuers':                                                           '201 201   | 403 403   | 403 403 | 403 403 | 403 403   | 403 403',
  'GET /v1/admin/issuers/:id':                                                        '200 200   | 200 404   | 403 403 | 403 403 | 200 404   | 403 403',
  'PATCH /v1/admin/issuers/:id':                                                      '200 200   | 403 403   | 403 403 | 403 403 | 403 403   | 403 403',
  'POST /v1/admin/issuers/:id/disable':                                               '200 200   | 403 403   | 403 403 | 403 403 | 403 403   | 403 403',
  'POST /v1/admin/issuers/:id/enable':                                                '200 200   | 403 403   | 403 403 | 403 403 | 403 403   | 403 403',
  // Admins and auditors may have decisions explained; below platform level, only about their own organization.
  'POST /v1/authz/explain':                                                           '200 200   | 200 403   | 403 403 | 403 403 | 200 403   | 403 403',
  // The model registry. Org admins read and administer (status, protected aliases) but neither register nor publish;
  // consumers (public clearance, like the public fixtures) read. Write routes whose action depends on the change
  // admit any of its actions at the guard and decide the exact one on the instance (org admins: 403 own / 404 other).
  'GET /v1/models':                                                                   '200+ 200+ | 200+ 200- | 200+ 200- | 200+ 200- | 403 403   | 403 403',
  'POST /v1/models':                                                                  '201 201   | 403 403   | 201 403 | 403 403 | 403 403   | 403 403',
  'GET /v1/models/:model':                                                            '200 200   | 200 404   | 200 404 | 200 404 | 403 403   | 403 403',
  'PATCH /v1/models/:model':                                                          '200 200   | 403 404   | 200 404 | 403 403 | 403 403   | 403 403',
  'GET /v1/models/:model/versions':                                                   '200 200   | 200 404   | 200 404 | 200 404 | 403 403   | 403 403',
  'POST /v1/models/:model/versions':                                                  '201 201   | 403 403   | 201 404 | 403 403 | 403 403   | 403 403',
  'GET /v1/models/:model/versions/:version':                                          '200 200   | 200 404   | 200 404 | 200 404 | 403 403   | 403 403',
  'PATCH /v1/models/:model/versions/:version':                                        '200 200   | 403 404   | 200 404 | 403 403 | 403 403   | 403 403',
  'GET /v1/models/:model/versions/:version/transitions':                              '200 200   | 200 404   | 200 404 | 200 404 | 403 403   | 403 403',
  'POST /v1/models/:model/versions/:version/transitions':                             '200 200   | 403 403   | 200 404 | 403 403 | 403 403   | 403 403',
  'GET /v1/models/:model/aliases':                                                    '200 200   | 200 404   | 200 404 | 200 404 | 403 403   | 403 403',
  'PUT /v1/models/:model/aliases/:alias':                                             '200 200   | 200 404   | 200 404 | 403 403 | 403 403   | 403 403',
  'DELETE /v1/models/:model/aliases/:alias':                                          '204 204   | 204 404   | 204 404 | 403 403 | 403 403   | 403 403',
  // An organization's usage (?orgId=): its admins and auditors; callers without those roles see only their own (no ?orgId).
  'GET /v1/usage':                                                                     '200 200   | 200 404   | 404 404 | 404 404 | 200 404   | 404 404',
  // The audit trail (?orgId=, listed: an event of that organization): platform admins read every organization's, auditors
  // their own (the SQL filter answers 200 without the other's events), and so do org admins.
  'GET /v1/admin/audit-events':                                                       '200+ 200+ | 200+ 200- | 403 403 | 403 403 | 200+ 200- | 403 403',
  // Platform-wide: only platform admins scrape metrics (the management port serves them without a token).
  'GET /metrics':                                                                      '200 200   | 403 403   | 403 403 | 403 403 | 403 403   | 403 403',
  // Inference (target: the ONNX demo model registered in each organization, version 1 in production).
  // Only consumers (their organization's models) and platform admins (every model) call models.
  'POST /v1/models/:model/infer':                                                     '200 200   | 403 403   | 403 403 | 200 404 | 403 403   | 403 403',
  'POST /v1/models/:model/versions/:version/infer':                                   '200 200   | 403 403   | 403 403 | 200 404 | 403 403   | 403 403',
  'POST /v2/models/:model/infer':                                                     '200 200   | 403 403   | 403 403 | 200 404 | 403 403   | 403 403',
  'POST /v2/models/:model/versions/:version/infer':                                   '200 200   | 403 403   | 403 403 | 200 404 | 403 403   | 403 403',
  'GET /v2/models/:model':                                                            '200 200   | 403 403   | 403 403 | 200 404 | 403 403   | 403 403',
  'GET /v2/models/:model/ready':                                                      '200 200   | 403 403   | 403 403 | 200 404 | 403 403   | 403 403',
  'GET /v2/models/:model/versions/:version':                                          '200 200   | 403 403   | 403 403 | 200 404 | 403 403   | 403 403',
  'GET /v2/models/:model/versions/:version/ready':                                    '200 200   | 403 403   | 403 403 | 200 404 | 403 403   | 403 403',
  // The demo model is not served by an OpenAI-compatible backend: a caller who may call it gets 400.
  'POST /openai/v1/chat/completions':                                                 '400 400   | 403 403   | 403 403 | 400 404 | 403 403   | 403 403',
  'POST /openai/v1/completions':                                                      '400 400   | 403 403   | 403 403 | 400 404 | 403 403   | 403 403',
  'POST /openai/v1/embeddings':                                                       '400 400   | 403 403   | 403 403 | 400 404 | 403 403   | 403 403',
  'GET /openai/v1/models':                                                            '200 200   | 403 403   | 403 403 | 200 200 | 403 403   | 403 403',
};

/** What exists in one organization before the matrix runs (read-only targets). */
interface OrgFixture {
  orgId: string;
  projectId: string;
  appId: string;
  apiKeyId: string;
  bindingId: string;
  bindingPrincipalId: string;
  issuerId: string;
  /** A public model with version 1 in staging (so that aliases may point at it). */
  modelId: string;
}

interface MatrixRequest {
  path: string;
  body?: unknown;
  /** For `200+`/`200-` cells: the id whose presence in the answer's items is checked. */
  listed?: string;
}

/** Builds fresh targets through the services (as the CLI would: SYSTEM_PRINCIPAL, same policy). */
interface Factories {
  unique(prefix: string): string;
  org(): Promise<string>;
  project(orgId: string): Promise<string>;
  app(orgId: string): Promise<string>;
  apiKey(orgId: string, appId: string): Promise<string>;
  binding(orgId: string): Promise<string>;
  issuer(orgId: string): Promise<string>;
  /** An audit event of the organization (action matrix.fixture), stored. */
  auditEvent(orgId: string): Promise<string>;
  /** A public model with version 1 in staging and, when named, an ordinary alias on it. */
  model(orgId: string, alias?: string): Promise<string>;
  /** The organization's copy of the ONNX demo model (made once), version 1 in production: inference targets. */
  demoModel(orgId: string): Promise<string>;
}

type Prepare = (target: OrgFixture, make: Factories, which: 'own' | 'other') => MatrixRequest | Promise<MatrixRequest>;

const orgs = '/v1/admin/organizations';
const apps = (t: OrgFixture) => `${orgs}/${t.orgId}/applications`;
const models = '/v1/models';

/** How to call each route against a target organization. */
const REQUESTS: Record<string, Prepare> = {
  'GET /v1/admin/organizations': (t) => ({ path: `${orgs}?limit=200`, listed: t.orgId }),
  'POST /v1/admin/organizations': (_t, make) => ({ path: orgs, body: { name: make.unique('org') } }),
  'GET /v1/admin/organizations/:orgId': (t) => ({ path: `${orgs}/${t.orgId}` }),
  // The caller's own organization can only be itself; another one is made fresh, since a change to it would show elsewhere.
  'PATCH /v1/admin/organizations/:orgId': async (t, make, which) => ({
    path: `${orgs}/${which === 'own' ? t.orgId : await make.org()}`,
    body: { displayName: 'Changed by the matrix' },
  }),
  'POST /v1/admin/organizations/:orgId/disable': async (t, make, which) => ({
    path: `${orgs}/${which === 'own' ? t.orgId : await make.org()}/disable`,
  }),
  'POST /v1/admin/organizations/:orgId/enable': async (t, make, which) => ({
    path: `${orgs}/${which === 'own' ? t.orgId : await make.org()}/enable`,
  }),
  'GET /v1/admin/organizations/:orgId/projects': (t) => ({ path: `${orgs}/${t.orgId}/projects` }),
  'POST /v1/admin/organizations/:orgId/projects': (t, make) => ({
    path: `${orgs}/${t.orgId}/projects`,
    body: { name: make.unique('p') },
  }),
  'GET /v1/admin/organizations/:orgId/projects/:projectId': (t) => ({ path: `${orgs}/${t.orgId}/projects/${t.projectId}` }),
  'PATCH /v1/admin/organizations/:orgId/projects/:projectId': async (t, make) => ({
    path: `${orgs}/${t.orgId}/projects/${await make.project(t.orgId)}`,
    body: { name: make.unique('renamed') },
  }),
  'POST /v1/admin/organizations/:orgId/projects/:projectId/disable': async (t, make) => ({
    path: `${orgs}/${t.orgId}/projects/${await make.project(t.orgId)}/disable`,
  }),
  'POST /v1/admin/organizations/:orgId/projects/:projectId/enable': async (t, make) => ({
    path: `${orgs}/${t.orgId}/projects/${await make.project(t.orgId)}/enable`,
  }),
  'GET /v1/admin/organizations/:orgId/applications': (t) => ({ path: apps(t) }),
  'POST /v1/admin/organizations/:orgId/applications': (t, make) => ({ path: apps(t), body: { name: make.unique('app') } }),
  'GET /v1/admin/organizations/:orgId/applications/:appId': (t) => ({ path: `${apps(t)}/${t.appId}` }),
  'PATCH /v1/admin/organizations/:orgId/applications/:appId': async (t, make) => ({
    path: `${apps(t)}/${await make.app(t.orgId)}`,
    body: { name: make.unique('renamed') },
  }),
  'POST /v1/admin/organizations/:orgId/applications/:appId/rotate-secret': async (t, make) => ({
    path: `${apps(t)}/${await make.app(t.orgId)}/rotate-secret`,
  }),
  'POST /v1/admin/organizations/:orgId/applications/:appId/disable': async (t, make) => ({
    path: `${apps(t)}/${await make.app(t.orgId)}/disable`,
  }),
  'POST /v1/admin/organizations/:orgId/applications/:appId/enable': async (t, make) => ({
    path: `${apps(t)}/${await make.app(t.orgId)}/enable`,
  }),
  'GET /v1/admin/organizations/:orgId/applications/:appId/api-keys': (t) => ({ path: `${apps(t)}/${t.appId}/api-keys` }),
  'POST /v1/admin/organizations/:orgId/applications/:appId/api-keys': async (t, make) => ({
    path: `${apps(t)}/${await make.app(t.orgId)}/api-keys`,
    body: { name: make.unique('key'), scopes: ['infer'] },
  }),
  'GET /v1/admin/organizations/:orgId/applications/:appId/api-keys/:keyId': (t) => ({
    path: `${apps(t)}/${t.appId}/api-keys/${t.apiKeyId}`,
  }),
  'DELETE /v1/admin/organizations/:orgId/applications/:appId/api-keys/:keyId': async (t, make) => ({
    path: `${apps(t)}/${t.appId}/api-keys/${await make.apiKey(t.orgId, t.appId)}`,
  }),
  'GET /v1/admin/role-bindings': (t) => ({
    path: `/v1/admin/role-bindings?principalId=${t.bindingPrincipalId}`,
    listed: t.bindingId,
  }),
  'POST /v1/admin/role-bindings': async (t, make) => ({
    path: '/v1/admin/role-bindings',
    body: { principalType: 'application', principalId: await make.app(t.orgId), role: 'model-consumer', orgId: t.orgId },
  }),
  'GET /v1/admin/role-bindings/:bindingId': (t) => ({ path: `/v1/admin/role-bindings/${t.bindingId}` }),
  'DELETE /v1/admin/role-bindings/:bindingId': async (t, make) => ({ path: `/v1/admin/role-bindings/${await make.binding(t.orgId)}` }),
  'GET /v1/admin/issuers': (t) => ({ path: '/v1/admin/issuers', listed: t.issuerId }),
  'POST /v1/admin/issuers': (t, make) => ({ path: '/v1/admin/issuers', body: issuerBody(make.unique('idp'), t.orgId) }),
  'GET /v1/admin/issuers/:id': (t) => ({ path: `/v1/admin/issuers/${t.issuerId}` }),
  'PATCH /v1/admin/issuers/:id': async (t, make) => ({
    path: `/v1/admin/issuers/${await make.issuer(t.orgId)}`,
    body: { audience: 'api://changed' },
  }),
  'POST /v1/admin/issuers/:id/disable': async (t, make) => ({ path: `/v1/admin/issuers/${await make.issuer(t.orgId)}/disable` }),
  'POST /v1/admin/issuers/:id/enable': async (t, make) => ({ path: `/v1/admin/issuers/${await make.issuer(t.orgId)}/enable` }),
  'GET /v1/models': (t) => ({ path: '/v1/models?limit=200', listed: t.modelId }),
  'POST /v1/models': (t, make) => ({ path: '/v1/models', body: { name: make.unique('model'), orgId: t.orgId, sensitivity: 'public' } }),
  'GET /v1/models/:model': (t) => ({ path: `${models}/${t.modelId}` }),
  'PATCH /v1/models/:model': async (t, make) => ({ path: `${models}/${await make.model(t.orgId)}`, body: { description: 'changed' } }),
  'GET /v1/models/:model/versions': (t) => ({ path: `${models}/${t.modelId}/versions` }),
  'POST /v1/models/:model/versions': async (t, make) => ({
    path: `${models}/${await make.model(t.orgId)}/versions`,
    body: { backend: 'http-json', endpoint: { kind: 'http', url: 'http://93.184.216.34/' } },
  }),
  'GET /v1/models/:model/versions/:version': (t) => ({ path: `${models}/${t.modelId}/versions/1` }),
  'PATCH /v1/models/:model/versions/:version': async (t, make) => ({
    path: `${models}/${await make.model(t.orgId)}/versions/1`,
    body: { deprecation: { deprecatedAt: '2026-01-01T00:00:00Z' } },
  }),
  'GET /v1/models/:model/versions/:version/transitions': (t) => ({ path: `${models}/${t.modelId}/versions/1/transitions` }),
  'POST /v1/models/:model/versions/:version/transitions': async (t, make) => ({
    path: `${models}/${await make.model(t.orgId)}/versions/1/transitions`,
    body: { to: 'draft' },
  }),
  'GET /v1/models/:model/aliases': (t) => ({ path: `${models}/${t.modelId}/aliases` }),
  'PUT /v1/models/:model/aliases/:alias': async (t, make) => ({
    path: `${models}/${await make.model(t.orgId)}/aliases/champion`,
    body: { version: 1, reason: 'matrix' },
  }),
  'DELETE /v1/models/:model/aliases/:alias': async (t, make) => ({
    path: `${models}/${await make.model(t.orgId, 'champion')}/aliases/champion`,
  }),
  'GET /v1/usage': (t) => ({ path: `/v1/usage?orgId=${t.orgId}` }),
  'GET /v1/admin/audit-events': async (t, make) => {
    const listed = await make.auditEvent(t.orgId);
    return { path: `/v1/admin/audit-events?action=matrix.fixture&orgId=${t.orgId}&limit=1000`, listed };
  },
  'POST /v1/models/:model/infer': async (t, make) => ({
    path: `${models}/${await make.demoModel(t.orgId)}/infer`,
    body: { inputs: DEMO_ROW },
  }),
  'POST /v1/models/:model/versions/:version/infer': async (t, make) => ({
    path: `${models}/${await make.demoModel(t.orgId)}/versions/1/infer`,
    body: { instances: [DEMO_ROW] },
  }),
  'POST /v2/models/:model/infer': async (t, make) => ({ path: `/v2/models/${await make.demoModel(t.orgId)}/infer`, body: DEMO_V2 }),
  'POST /v2/models/:model/versions/:version/infer': async (t, make) => ({
    path: `/v2/models/${await make.demoModel(t.orgId)}/versions/1/infer`,
    body: DEMO_V2,
  }),
  'GET /v2/models/:model': async (t, make) => ({ path: `/v2/models/${await make.demoModel(t.orgId)}` }),
  'GET /v2/models/:model/ready': async (t, make) => ({ path: `/v2/models/${await make.demoModel(t.orgId)}/ready` }),
  'GET /v2/models/:model/versions/:version': async (t, make) => ({ path: `/v2/models/${await make.demoModel(t.orgId)}/versions/1` }),
  'GET /v2/models/:model/versions/:version/ready': async (t, make) => ({
    path: `/v2/models/${await make.demoModel(t.orgId)}/versions/1/ready`,
  }),
  'POST /openai/v1/chat/completions': async (t, make) => ({
    path: '/openai/v1/chat/completions',
    body: { model: await make.demoModel(t.orgId), messages: [{ role: 'user', content: 'hello' }] },
  }),
  'POST /openai/v1/completions': async (t, make) => ({
    path: '/openai/v1/completions',
    body: { model: await make.demoModel(t.orgId), prompt: 'hello' },
  }),
  'POST /openai/v1/embeddings': async (t, make) => ({
    path: '/openai/v1/embeddings',
    body: { model: await make.demoModel(t.orgId), input: 'hello' },
  }),
  'GET /openai/v1/models': () => ({ path: '/openai/v1/models' }),
  'GET /metrics': () => ({ path: '/metrics' }),
  'POST /v1/authz/explain': (t) => ({
    path: '/v1/authz/explain',
    body: {
      principal: { roles: ['model-consumer'], orgId: t.orgId },
      action: 'read',
      subject: 'Application',
      resource: { orgId: t.orgId },
    },
  }),
};

/** A valid row of the demo model's contract, natively and as OIP v2 tensors. */
const DEMO_ROW = { income: 52000, debt_ratio: 0.35, age: 41, credit_lines: 5, late_payments: 1, loan_amount: 15000 };
const DEMO_V2 = {
  inputs: CREDIT_RISK_FEATURES.map(({ name, type }) => ({
    name,
    datatype: type === 'integer' ? 'INT64' : 'FP64',
    shape: [1],
    data: [DEMO_ROW[name as keyof typeof DEMO_ROW]],
  })),
};

function issuerBody(name: string, orgId: string) {
  return {
    issuer: `https://${name}.idp.example.com`,
    orgId,
    jwksUri: `https://${name}.idp.example.com/jwks`,
    audience: 'api://matrix',
    algorithms: ['RS256'],
  };
}

/** `'200+ 200- | 403 403 | …'` → per role, [own, other]. */
function parseRow(row: string): [string, string][] {
  const cells = row.split('|').map((cell) => cell.trim().split(/\s+/) as [string, string]);
  if (cells.length !== COLUMNS.length || cells.some((cell) => cell.length !== 2)) throw new Error(`malformed expectation row: ${row}`);
  return cells;
}

describe('authorization matrix (e2e): every route × role × own / other organization', () => {
  let gateway: RunningGateway;
  let own: OrgFixture;
  let other: OrgFixture;
  const callers = new Map<Role | null, TestCaller>();
  let make: Factories;

  beforeAll(async () => {
    gateway = await startGateway({
      MASTER_KEY: randomBytes(32).toString('base64'),
      BOOTSTRAP_ADMIN_CLIENT_SECRET: 'matrix-bootstrap-secret-0123456789abcdef',
      FAILED_AUTH_SLOW_AFTER: '100000',
      FAILED_AUTH_BLOCK_AFTER: '100000',
    });
    const { app } = gateway;
    let counter = 0;
    make = {
      unique: (prefix) => `${prefix}-${(counter += 1)}-${randomBytes(3).toString('hex')}`,
      org: async () =>
        (
          await app
            .get(OrganizationsService)
            .create(SYSTEM_PRINCIPAL, { name: make.unique('org'), allowedRegions: [], allowedCidrs: [], maxClearance: 'restricted' })
        ).id,
      project: async (orgId) => (await app.get(ProjectsService).create(SYSTEM_PRINCIPAL, orgId, { name: make.unique('p') })).id,
      app: async (orgId) =>
        (
          await app.get(ApplicationsService).create(SYSTEM_PRINCIPAL, orgId, {
            name: make.unique('app'),
            authMethod: 'client_secret_basic',
            allowedScopes: ['infer'],
            clearance: 'public',
            allowedRegions: [],
            allowedCidrs: [],
          })
        ).id,
      apiKey: async (orgId, appId) =>
        (await app.get(ApiKeysService).create(SYSTEM_PRINCIPAL, orgId, appId, { name: make.unique('k'), scopes: ['infer'] })).id,
      binding: async (orgId) =>
        (
          await app
            .get(RoleBindingsService)
            .create(SYSTEM_PRINCIPAL, { principalType: 'application', principalId: await make.app(orgId), role: 'model-consumer', orgId })
        ).id,
      issuer: async (orgId) =>
        (
          await app
            .get(TrustedIssuersService)
            .create('system', validatePlain(CreateTrustedIssuerDto, issuerBody(make.unique('idp'), orgId)))
        ).id,
      auditEvent: async (orgId) => {
        const audit = app.get(AuditService);
        const id = audit.enqueue({ action: 'matrix.fixture', outcome: 'success', actor: { type: 'system' }, orgId });
        await audit.flush();
        return id;
      },
      model: async (orgId, alias) => {
        const modelId = (
          await app.get(ModelsService).create(SYSTEM_PRINCIPAL, { name: make.unique('model'), orgId, tags: [], sensitivity: 'public' })
        ).id;
        await app
          .get(ModelVersionsService)
          .create(
            SYSTEM_PRINCIPAL,
            modelId,
            validatePlain(CreateVersionDto, { backend: 'http-json', endpoint: { kind: 'http', url: 'http://93.184.216.34/' } }),
          );
        await app.get(StageTransitionsService).transition(SYSTEM_PRINCIPAL, modelId, '1', { to: 'staging' });
        if (alias) await app.get(ModelAliasesService).put(SYSTEM_PRINCIPAL, modelId, alias, { version: 1 });
        return modelId;
      },
      demoModel: async (orgId) =>
        (
          await app.get(ModelRegistryService).ensureModel({
            orgId,
            name: CREDIT_RISK_DEMO.modelName,
            sensitivity: 'public',
            version: {
              backend: 'onnx',
              endpoint: { kind: 'onnx', modelPath: CREDIT_RISK_DEMO.modelPath },
              inputContract: creditRiskContract(),
            },
          })
        ).model.id,
    };
    const fixture = async (): Promise<OrgFixture> => {
      const orgId = await make.org();
      const appId = await make.app(orgId);
      const bindingPrincipalId = await make.app(orgId);
      const binding = await app
        .get(RoleBindingsService)
        .create(SYSTEM_PRINCIPAL, { principalType: 'application', principalId: bindingPrincipalId, role: 'auditor', orgId });
      return {
        orgId,
        projectId: await make.project(orgId),
        appId,
        apiKeyId: await make.apiKey(orgId, appId),
        bindingId: binding.id,
        bindingPrincipalId,
        issuerId: await make.issuer(orgId),
        modelId: await make.model(orgId),
      };
    };
    own = await fixture();
    other = await fixture();
    for (const role of COLUMNS) callers.set(role, await callerWithRole(app, gateway.url, own.orgId, role));
  }, 60_000);
  afterAll(() => gateway.close());

  it('has an expectation for every route that is not public, and none for a route that is gone', () => {
    const guarded = routeTable(gateway.app)
      .filter((route) => !route.isPublic)
      .map(routeKey);
    expect({
      withoutExpectation: guarded.filter((key) => !(key in EXPECTED)),
      stale: Object.keys(EXPECTED).filter((key) => !guarded.includes(key)),
    }).toEqual({
      withoutExpectation: [],
      stale: [],
    });
    expect(Object.keys(REQUESTS).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it('answers every cell exactly as written down, with zero unexpected 2xx', async () => {
    const guarded = routeTable(gateway.app).filter((route) => !route.isPublic);
    const mismatches: string[] = [];
    const unexpectedSuccess: string[] = [];
    let cells = 0;
    for (const route of guarded) {
      const key = routeKey(route);
      const row = parseRow(EXPECTED[key]);
      for (const [column, role] of COLUMNS.entries()) {
        const caller = callers.get(role)!;
        for (const [side, target] of [
          ['own', own],
          ['other', other],
        ] as const) {
          const expected = row[column][side === 'own' ? 0 : 1];
          const request = await REQUESTS[key](target, make, side);
          const response = await fetch(`${gateway.url}${request.path}`, {
            method: route.method,
            headers: {
              authorization: `Bearer ${caller.token}`,
              ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
            },
            body: request.body === undefined ? undefined : JSON.stringify(request.body),
          });
          const text = await response.text();
          let actual = String(response.status);
          if (/^200[+-]$/.test(expected) && response.status === 200) {
            const parsed = JSON.parse(text) as { items?: { id: string }[] } | { id: string }[];
            const items = Array.isArray(parsed) ? parsed : (parsed.items ?? []);
            actual += items.some((item) => item.id === request.listed) ? '+' : '-';
          }
          cells += 1;
          const cell = `${key} as ${role ?? 'no role'} on ${side}: expected ${expected}, got ${actual}`;
          if (actual !== expected) mismatches.push(`${cell} ${text.slice(0, 160)}`);
          if (response.status < 300 && !expected.startsWith('2')) unexpectedSuccess.push(cell);
        }
      }
    }
    expect(unexpectedSuccess).toEqual([]);
    expect(mismatches).toEqual([]);
    expect(cells).toBe(guarded.length * COLUMNS.length * 2);
  }, 120_000);
});
