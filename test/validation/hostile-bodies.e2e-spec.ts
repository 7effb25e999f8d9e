import { RunningGateway, startGateway } from '../support/in-process-gateway';
import { ProbeModule } from '../support/probe.module';

/**
 * Issue 6 acceptance: hostile request bodies sent to a JSON route of the real gateway. Each is
 * answered with a 4xx problem+json before any handler runs, nothing reaches Object.prototype, and
 * the process stays healthy.
 */
describe('hostile request bodies', () => {
  let gateway: RunningGateway;

  beforeAll(async () => {
    gateway = await startGateway({}, [ProbeModule]);
  });

  afterAll(async () => {
    await gateway.close();
  });

  async function post(body: string | Uint8Array, contentType = 'application/json', path = '/probe/echo') {
    const response = await fetch(`${gateway.url}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body });
    const text = await response.text();
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      text,
      json: () => JSON.parse(text) as Record<string, unknown>,
    };
  }

  function nest(depth: number, inner: string): string {
    return '{"a":'.repeat(depth) + inner + '}'.repeat(depth);
  }

  async function expectProblem(body: string | Uint8Array, status: number, contentType?: string) {
    const response = await post(body, contentType);
    expect({ status: response.status, contentType: response.contentType }).toEqual({
      status,
      contentType: expect.stringMatching(/^application\/problem\+json/),
    });
    const problem = response.json();
    expect(problem.status).toBe(status);
    expect(response.text).not.toMatch(/at .*\.(js|ts):\d+/); // no stack trace
    return problem;
  }

  it('echoes a well-formed JSON body (the route works, so refusals below are the defences)', async () => {
    const response = await post('{"a":[1,2,{"b":"ü"}]}', 'application/json; charset=utf-8');
    expect(response.status).toBe(201);
    expect(response.json()).toEqual({ a: [1, 2, { b: 'ü' }] });
  });

  describe('prototype pollution', () => {
    const cases: [string, string][] = [
      ['__proto__ at depth 1', '{"__proto__":{"polluted":"yes"}}'],
      ['__proto__ at depth 50', nest(49, '{"__proto__":{"polluted":"yes"}}')],
      ['constructor.prototype at depth 1', '{"constructor":{"prototype":{"polluted":"yes"}}}'],
      ['constructor.prototype at depth 50', nest(48, '{"constructor":{"prototype":{"polluted":"yes"}}}')],
      ['a bare prototype key', '{"x":[{"prototype":{"polluted":"yes"}}]}'],
      ['__proto__ spelled with \\u escapes', '{"\\u005f\\u005fproto\\u005f\\u005f":{"polluted":"yes"}}'],
      ['__proto__ inside an array of rows', '{"instances":[{"age":1},{"__proto__":{"polluted":"yes"}}]}'],
    ];
    it.each(cases)('%s → 400 problem+json', async (_name, body) => {
      const problem = await expectProblem(body, 400);
      expect(problem.detail).toMatch(/reserved key/);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('points at the offending key', async () => {
      const problem = await expectProblem('{"a":{"b":[{"__proto__":{}}]}}', 400);
      expect(problem.errors).toEqual([{ pointer: '/a/b/0/__proto__', detail: 'is not allowed' }]);
    });

    it('a form body with __proto__ on the form route is refused too', async () => {
      const response = await post('grant_type=client_credentials&__proto__=x', 'application/x-www-form-urlencoded', '/oauth/token');
      expect(response.status).toBe(400);
      expect(response.contentType).toMatch(/^application\/problem\+json/);
    });
  });

  describe('nesting depth (default cap 64)', () => {
    it('10,000 nested arrays → 400, not a crash', async () => {
      const problem = await expectProblem('['.repeat(10_000) + ']'.repeat(10_000), 400);
      expect(problem.detail).toMatch(/deeper than 64/);
    });

    it('10,000 nested objects → 400', async () => {
      await expectProblem(nest(10_000, '1'), 400);
    });

    it('10,000 unclosed brackets → 400', async () => {
      await expectProblem('['.repeat(10_000), 400);
    });

    it('exactly 64 levels pass, 65 do not', async () => {
      expect((await post(nest(64, '1'))).status).toBe(201);
      await expectProblem(nest(65, '1'), 400);
    });

    it('brackets inside strings do not count as nesting', async () => {
      const response = await post(JSON.stringify({ text: '['.repeat(5000) + '\\"{'.repeat(1000) }));
      expect(response.status).toBe(201);
    });
  });

  describe('numbers JSON cannot represent', () => {
    it.each([
      ['1e309', '{"x":1e309}'],
      ['-1e309', '{"x":[-1e309]}'],
      ['1.5E+400', '{"x":1.5E+400}'],
      ['a 400-digit integer', `{"x":1${'0'.repeat(400)}}`],
    ])('%s → 400', async (_name, body) => {
      const problem = await expectProblem(body, 400);
      expect(problem.detail).toMatch(/too large/);
    });

    it.each([
      ['NaN', '{"x":NaN}'],
      ['Infinity', '{"x":Infinity}'],
      ['-Infinity', '{"x":-Infinity}'],
    ])('the %s literal is not JSON → 400', async (_name, body) => {
      const problem = await expectProblem(body, 400);
      expect(problem.detail).toMatch(/not valid JSON/);
    });

    it('large but finite numbers pass', async () => {
      const response = await post('{"x":1e308,"y":-2.5e-300}');
      expect(response.status).toBe(201);
    });
  });

  describe('encoding', () => {
    it('invalid UTF-8 bytes → 400', async () => {
      const bytes = Buffer.concat([Buffer.from('{"x":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]);
      const problem = await expectProblem(bytes, 400);
      expect(problem.detail).toMatch(/UTF-8/);
    });

    it('an overlong encoding of "/" → 400', async () => {
      await expectProblem(Buffer.concat([Buffer.from('{"x":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]), 400);
    });

    it('JSON in another charset → 415', async () => {
      await expectProblem('{"x":1}', 415, 'application/json; charset=latin1');
      await expectProblem('{"x":1}', 415, 'application/json; charset="utf-16"');
    });
  });

  describe('content types', () => {
    it.each([
      ['text/plain', '{"x":1}'],
      ['application/x-www-form-urlencoded', 'x=1'],
      ['application/xml', '<x/>'],
      ['multipart/form-data; boundary=x', '--x--'],
    ])('%s on a JSON route → 415', async (contentType, body) => {
      await expectProblem(body, 415, contentType);
    });

    it('a form body still reaches the OAuth token endpoint (no 415 there)', async () => {
      const response = await post(
        'grant_type=client_credentials&client_id=nobody&client_secret=wrong',
        'application/x-www-form-urlencoded',
        '/oauth/token',
      );
      expect(response.status).not.toBe(415);
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
    });

    it('an empty JSON body → 400', async () => {
      await expectProblem('', 400);
    });
  });

  it('the process is healthy after all of it', async () => {
    const response = await fetch(`${gateway.url}/health/live`);
    expect(response.status).toBe(200);
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('MAX_JSON_DEPTH', () => {
  let gateway: RunningGateway;

  beforeAll(async () => {
    gateway = await startGateway({ MAX_JSON_DEPTH: '5' }, [ProbeModule]);
  });

  afterAll(async () => {
    await gateway.close();
  });

  const post = (body: string) =>
    fetch(`${gateway.url}/probe/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  it('sets the nesting cap', async () => {
    expect((await post('[[[[[1]]]]]')).status).toBe(201);
    const refused = await post('[[[[[[1]]]]]]');
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { detail: string }).detail).toMatch(/deeper than 5/);
  });
});
