import { Controller, Get, Module } from '@nestjs/common';
import { SkipThrottle, Throttle } from '@nestjs/throttler';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { CheckPolicies } from '@infergate/common';
import { RunningGateway, startGateway } from '../support/in-process-gateway';
import { createTenant, writePlansDir } from './support';

const PROBLEM_JSON = /^application\/problem\+json/;

/** Routes that carry @nestjs/throttler's own decorators, as a team would put them on its controllers. */
@Controller('throttle-probe')
class ThrottleProbeController {
  @CheckPolicies('read', 'Usage')
  @Get('plain')
  plain(): { ok: true } {
    return { ok: true };
  }

  @SkipThrottle()
  @CheckPolicies('read', 'Usage')
  @Get('skipped')
  skipped(): { ok: true } {
    return { ok: true };
  }

  @Throttle({ default: { limit: 2, ttl: 60_000 } })
  @CheckPolicies('read', 'Usage')
  @Get('limited')
  limited(): { ok: true } {
    return { ok: true };
  }
}

@SkipThrottle()
@Controller('throttle-probe-skipped')
class SkippedProbeController {
  @CheckPolicies('read', 'Usage')
  @Get('off')
  off(): { ok: true } {
    return { ok: true };
  }

  @SkipThrottle({ default: false })
  @CheckPolicies('read', 'Usage')
  @Get('on')
  on(): { ok: true } {
    return { ok: true };
  }
}

@Module({ controllers: [ThrottleProbeController, SkippedProbeController] })
class ThrottleProbeModule {}

const PLANS = `
defaultPlan: roomy
plans:
  roomy:
    rateLimits:
      application: { rate: 10000, per: second, burst: 100000 }
  tight:
    rateLimits:
      application: { rate: 0.001, per: second, burst: 5 }
organizations:
  tight-decorators: tight
`;

describe('@SkipThrottle() and @Throttle() over HTTP (e2e, memory store)', () => {
  let gateway: RunningGateway;
  let plansDir: string;
  let tightOrg: string;

  const get = (key: string, path: string) => fetch(`${gateway.url}/${path}`, { headers: { 'x-api-key': key } });

  beforeAll(async () => {
    plansDir = writePlansDir(PLANS);
    gateway = await startGateway(
      { MASTER_KEY: randomBytes(32).toString('base64'), PLANS_DIR: plansDir, PREAUTH_RATE_PER_SECOND: '1000000', PREAUTH_BURST: '1000000' },
      [ThrottleProbeModule],
    );
    tightOrg = (await createTenant(gateway.app, { orgName: 'tight-decorators' })).orgId;
  });
  afterAll(async () => {
    await gateway?.close();
    rmSync(plansDir, { recursive: true, force: true });
  });

  it('a bare @SkipThrottle() exempts a route from the plan; the plan still applies to the others', async () => {
    const tenant = await createTenant(gateway.app, { orgId: tightOrg });
    for (let i = 0; i < 10; i += 1) {
      const response = await get(tenant.key, 'throttle-probe/skipped');
      expect(response.status).toBe(200);
      expect(response.headers.get('ratelimit')).toBeNull();
    }
    // None of the ten spent the bucket of 5.
    const plain = await get(tenant.key, 'throttle-probe/plain');
    expect(plain.status).toBe(200);
    expect(plain.headers.get('ratelimit')).toMatch(/^"application";r=4;t=\d+$/);
  });

  it('@SkipThrottle({ default: false }) on a handler re-enables the plan under a skipped class', async () => {
    const tenant = await createTenant(gateway.app, { orgId: tightOrg });
    for (let i = 0; i < 10; i += 1) expect((await get(tenant.key, 'throttle-probe-skipped/off')).status).toBe(200);
    const statuses = [];
    for (let i = 0; i < 7; i += 1) statuses.push((await get(tenant.key, 'throttle-probe-skipped/on')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
  });

  it('@Throttle({ default: { limit, ttl } }) adds a route limit per caller on top of the plan, decided with it at once', async () => {
    const tenant = await createTenant(gateway.app, { orgId: tightOrg });
    const other = await createTenant(gateway.app, { orgId: tightOrg });

    const first = await get(tenant.key, 'throttle-probe/limited');
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit')).toMatch(/^"route";r=1;t=\d+$/);
    expect((await get(tenant.key, 'throttle-probe/limited')).status).toBe(200);

    const refused = await get(tenant.key, 'throttle-probe/limited');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toMatch(PROBLEM_JSON);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get('ratelimit-policy')).toBe('"route";q=2;w=60');
    expect(await refused.json()).toMatchObject({ type: 'urn:infergate:problem:rate-limited', status: 429, limit: 'route' });

    // Per caller: another application of the same organization has its own route limit.
    expect((await get(other.key, 'throttle-probe/limited')).status).toBe(200);
    // One decision: the refused request spent nothing of the plan (5 - 2 admitted - this one = 2 left).
    const plain = await get(tenant.key, 'throttle-probe/plain');
    expect(plain.status).toBe(200);
    expect(plain.headers.get('ratelimit')).toMatch(/^"application";r=2;t=\d+$/);
    // And the plan still applies to the limited route: it refuses once the plan's bucket is empty, even
    // for a caller the route limit would admit.
    for (let i = 0; i < 4; i += 1) await get(other.key, 'throttle-probe/plain');
    const planRefused = await get(other.key, 'throttle-probe/limited');
    expect(planRefused.status).toBe(429);
    expect(await planRefused.json()).toMatchObject({ limit: 'application' });
  });
});
