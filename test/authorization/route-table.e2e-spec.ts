import { Controller, Get, Module } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { POLICY_ACTIONS, POLICY_SUBJECTS } from '@infergate/contracts';
import { RunningGateway, startGateway } from '../support/in-process-gateway';
import { routeKey, RouteEntry, routeTable } from './support/route-table';

const ENV = { MASTER_KEY: randomBytes(32).toString('base64'), BOOTSTRAP_ADMIN_CLIENT_SECRET: 'route-table-secret-0123456789abcdef' };

/** A route someone forgot to declare: the check below must catch it. */
@Controller('forgotten')
class ForgottenController {
  @Get()
  forgotten(): { ok: true } {
    return { ok: true };
  }
}

@Module({ controllers: [ForgottenController] })
class ForgottenModule {}

/** Routes that declare neither `@Public()` nor `@CheckPolicies(...)`. */
const undeclared = (routes: RouteEntry[]) => routes.filter((route) => !route.isPublic && !route.policy).map(routeKey);

describe('route table (e2e): every route is public or declares a policy', () => {
  let gateway: RunningGateway;
  let routes: RouteEntry[];

  beforeAll(async () => {
    gateway = await startGateway(ENV);
    routes = routeTable(gateway.app);
  });
  afterAll(() => gateway.close());

  it('reads the route table the gateway actually serves', () => {
    expect(routes.length).toBeGreaterThan(30);
    const fastify = gateway.app.getHttpAdapter().getInstance();
    for (const route of routes)
      expect({ route: routeKey(route), served: fastify.hasRoute({ method: route.method, url: route.path }) }).toEqual({
        route: routeKey(route),
        served: true,
      });
    expect(routes.map(routeKey)).toEqual(expect.arrayContaining(['POST /oauth/token', 'GET /health/ready', 'GET /v1/admin/organizations']));
  });

  it('finds no route without @Public() or @CheckPolicies', () => {
    expect(undeclared(routes)).toEqual([]);
  });

  it('declares only actions and subjects the policy language knows, and no public admin route', () => {
    for (const route of routes.filter((r) => r.policy)) {
      expect({ route: routeKey(route), action: POLICY_ACTIONS.includes(route.policy!.action as never) }).toEqual({
        route: routeKey(route),
        action: true,
      });
      expect({ route: routeKey(route), subject: POLICY_SUBJECTS.includes(route.policy!.subject as never) }).toEqual({
        route: routeKey(route),
        subject: true,
      });
    }
    expect(routes.filter((route) => route.isPublic && route.path.startsWith('/v1/admin')).map(routeKey)).toEqual([]);
  });

  it('would catch a route added without a declaration', async () => {
    const careless = await startGateway(ENV, [ForgottenModule]);
    try {
      expect(undeclared(routeTable(careless.app))).toEqual(['GET /forgotten']);
    } finally {
      await careless.close();
    }
  });
});
