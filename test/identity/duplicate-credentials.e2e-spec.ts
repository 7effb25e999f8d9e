import { RunningGateway, startGateway } from '../support/in-process-gateway';
import { ProbeModule } from '../support/probe.module';
import { authnCounts, authnDelta, BOOTSTRAP_ENV, rawGet, validCredentials } from './support/gateway-credentials';

const PROTECTED = '/probe/protected';
const INVALID_REQUEST = 'Bearer realm="infergate", error="invalid_request"';
/** What one invalid_request has always counted: a failure with its reason, nothing verified. */
const ONE_INVALID_REQUEST = { 'none/failure/invalid-request': 1 };

/**
 * Issue 15: a credential sent twice, or in two places, is a 400 invalid_request before any strategy
 * runs. Node's parser keeps the first of two Authorization headers and joins two X-API-Key headers,
 * so before this the first (or the joined) value silently won: these requests go over a real socket.
 */
describe('doubled credentials (e2e, raw HTTP)', () => {
  let gateway: RunningGateway;
  let apiKey: string;
  let accessToken: string;

  beforeAll(async () => {
    gateway = await startGateway(BOOTSTRAP_ENV, [ProbeModule]);
    ({ apiKey, accessToken } = await validCredentials(gateway));
  });
  afterAll(() => gateway.close());

  it('accepts each credential alone (the control case)', async () => {
    expect((await rawGet(`${gateway.url}${PROTECTED}`, { authorization: `Bearer ${accessToken}` })).status).toBe(200);
    expect((await rawGet(`${gateway.url}${PROTECTED}`, { authorization: `Bearer ${apiKey}` })).status).toBe(200);
    expect((await rawGet(`${gateway.url}${PROTECTED}`, { 'x-api-key': apiKey })).status).toBe(200);
  });

  it.each([
    ['two valid Authorization headers', () => ({ authorization: [`Bearer ${accessToken}`, `Bearer ${accessToken}`] }), 'Authorization'],
    ['a valid and a bad Authorization header', () => ({ authorization: [`Bearer ${accessToken}`, 'Bearer not.a.token'] }), 'Authorization'],
    ['a bad and a valid Authorization header', () => ({ authorization: ['Bearer ig_bad_key', `Bearer ${apiKey}`] }), 'Authorization'],
    ['two X-API-Key headers', () => ({ 'x-api-key': [apiKey, apiKey] }), 'X-API-Key'],
    ['two X-API-Key headers, one bad', () => ({ 'X-Api-Key': [apiKey, 'ig_bad_key'] }), 'X-API-Key'],
    ['Authorization and X-API-Key', () => ({ authorization: `Bearer ${accessToken}`, 'x-api-key': apiKey }), undefined],
  ])('refuses %s with 400 invalid_request, counted as one invalid_request', async (_case, headers, repeated) => {
    const before = await authnCounts(gateway);
    const response = await rawGet(`${gateway.url}${PROTECTED}`, headers());
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.headers['www-authenticate']).toBe(INVALID_REQUEST);
    const body = JSON.parse(response.body) as { type: string; status: number; detail: string };
    expect(body).toMatchObject({ type: 'urn:infergate:problem:invalid-request', status: 400 });
    expect(body.detail).toBe(
      repeated ? `Send exactly one ${repeated} header.` : 'Send exactly one credential: an Authorization header or an X-API-Key header.',
    );
    expect(body.detail).not.toContain(apiKey);
    // No strategy ran: nothing verified (no success), no verifier's failure reason, only the 400.
    expect(authnDelta(before, await authnCounts(gateway))).toEqual(ONE_INVALID_REQUEST);
  });

  it('still takes the credential with a header of another name beside it', async () => {
    const response = await rawGet(`${gateway.url}${PROTECTED}`, { authorization: `Bearer ${accessToken}`, 'x-api-keys': 'unrelated' });
    expect(response.status).toBe(200);
  });
});
