import { randomUUID } from 'node:crypto';
import type { Principal } from '@infergate/contracts';
import { AUTHENTICATION_REQUEST_PROPERTIES } from '@infergate/identity';
import { InternalAuthModule } from '../../examples/custom-strategy/internal-auth.module';
import { RunningGateway, startGateway } from '../support/in-process-gateway';
import { ProbeModule } from '../support/probe.module';
import { authnCounts, authnDelta, BOOTSTRAP_ENV, rawGet, validCredentials } from './support/gateway-credentials';

const WHOAMI = '/probe/whoami';
const INVALID_TOKEN = 'Bearer realm="infergate", error="invalid_token"';
const INVALID_REQUEST = 'Bearer realm="infergate", error="invalid_request"';
const TICKET = 'ticket-0123456789abcdef';
const LDAP_TOKEN = 'ldap-bind-0123456789abcdef';

/**
 * examples/custom-strategy: a team's passport strategies registered by importing one module into the
 * unchanged gateway, beside the built-in credentials.
 */
describe('a team-registered passport strategy (e2e, examples/custom-strategy)', () => {
  const orgId = randomUUID();
  const account = (subject: string) => ({
    subject,
    orgId,
    roles: [{ role: 'model-consumer' as const, orgId, projectId: null }],
    scopes: [],
  });
  let gateway: RunningGateway;
  let apiKey: string;
  let accessToken: string;

  beforeAll(async () => {
    gateway = await startGateway(BOOTSTRAP_ENV, [
      ProbeModule,
      InternalAuthModule.forRoot({ tickets: { [TICKET]: account('ticket-holder') }, ldapTokens: { [LDAP_TOKEN]: account('ldap-user') } }),
    ]);
    ({ apiKey, accessToken } = await validCredentials(gateway));
  });
  afterAll(() => gateway.close());

  const whoami = (headers: Record<string, string | string[]>) => rawGet(`${gateway.url}${WHOAMI}`, headers);
  const subjectOf = (body: string) => (JSON.parse(body) as Principal).subject;

  it('authenticates an X-Internal-Ticket through the team strategy, whatever the header name case', async () => {
    for (const name of ['x-internal-ticket', 'X-Internal-Ticket']) {
      const before = await authnCounts(gateway);
      const response = await whoami({ [name]: TICKET });
      expect(response.status).toBe(200);
      expect(subjectOf(response.body)).toBe('ticket-holder');
      expect(authnDelta(before, await authnCounts(gateway))).toEqual({ 'external_token/success/ok': 1 });
    }
  });

  it('authenticates a Bearer ldap: token through the second team strategy, not the built-in bearer one', async () => {
    const response = await whoami({ authorization: `Bearer ldap:${LDAP_TOKEN}` });
    expect(response.status).toBe(200);
    expect(subjectOf(response.body)).toBe('ldap-user');
  });

  it("declares passport's per-request properties on Fastify's request, so no request object changes shape", () => {
    const fastify = gateway.app.getHttpAdapter().getInstance();
    for (const name of AUTHENTICATION_REQUEST_PROPERTIES) expect(fastify.hasRequestDecorator(name)).toBe(true);
  });

  it('still authenticates the built-in credentials beside them', async () => {
    const builtIn: Array<Record<string, string>> = [
      { authorization: `Bearer ${accessToken}` },
      { authorization: `Bearer ${apiKey}` },
      { 'x-api-key': apiKey },
    ];
    for (const headers of builtIn) {
      const response = await whoami(headers);
      expect(response.status).toBe(200);
      expect(subjectOf(response.body)).not.toMatch(/ticket-holder|ldap-user/);
    }
  });

  it.each([
    ['an unknown ticket (validate returns null)', { 'x-internal-ticket': 'forged-ticket' }, 'internal-ticket/failure/unknown_credential'],
    ['an unknown LDAP token (validate throws)', { authorization: 'Bearer ldap:forged' }, 'ldap-bearer/failure/unknown_credential'],
  ])('answers %s with the 401 invalid_token problem, audited under the strategy name', async (_case, headers, counted) => {
    const before = await authnCounts(gateway);
    const response = await whoami(headers);
    expect(response.status).toBe(401);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.headers['www-authenticate']).toBe(INVALID_TOKEN);
    expect(JSON.parse(response.body)).toMatchObject({
      type: 'urn:infergate:problem:invalid-token',
      status: 401,
      detail: 'The credential presented is not valid.',
    });
    expect(authnDelta(before, await authnCounts(gateway))).toEqual({ [counted]: 1 });
  });

  it.each([
    ['a ticket beside an Authorization header', () => ({ 'x-internal-ticket': TICKET, authorization: `Bearer ${accessToken}` })],
    ['a ticket beside an X-API-Key', () => ({ 'x-internal-ticket': TICKET, 'x-api-key': apiKey })],
    ['two X-Internal-Ticket headers', () => ({ 'x-internal-ticket': [TICKET, TICKET] })],
  ])('refuses %s with 400 invalid_request before any strategy runs', async (_case, headers: () => Record<string, string | string[]>) => {
    const before = await authnCounts(gateway);
    const response = await whoami(headers());
    expect(response.status).toBe(400);
    expect(response.headers['www-authenticate']).toBe(INVALID_REQUEST);
    expect(authnDelta(before, await authnCounts(gateway))).toEqual({ 'none/failure/invalid-request': 1 });
  });
});
