import {
  OIP_ANSWER,
  createUpstreamHarness,
  failureOf,
  inferRequest,
  startFaultServer,
  versionAt,
  type FaultServer,
} from './support/fault-upstream';
import { UpstreamClient, UpstreamPools } from '../../../libs/inference/src/upstream';
import { UpstreamGuards, UpstreamUnavailableError, toProblem } from '../../../libs/inference/src/resilience';
import { GatewayMetrics } from '@infergate/observability';
import { validateOptions } from '@infergate/common';
import { InferenceModuleOptions } from '@infergate/inference';
import { RegistryOptions } from '@infergate/model-registry';

/**
 * Registration refuses an endpoint whose name resolves to an internal address, but a name can be made
 * to resolve elsewhere later (DNS rebinding). The upstream sockets re-check every address they are
 * about to connect to: `localhost` stands in for a rebound name (it resolves to loopback).
 */
describe('DNS rebinding: the address an upstream name resolves to at connect time', () => {
  let upstream: FaultServer;

  beforeAll(async () => {
    upstream = await startFaultServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(OIP_ANSWER);
    });
  });
  afterAll(() => upstream.close());

  const viaName = (url: string) => url.replace('127.0.0.1', 'localhost');

  it('refuses a name that now resolves to loopback, and the model server sees nothing', async () => {
    const harness = createUpstreamHarness();
    try {
      const before = upstream.seen.length;
      const { error } = await failureOf(() => harness.client.send(versionAt(viaName(upstream.url)), inferRequest()));
      expect(error).toBeInstanceOf(UpstreamUnavailableError);
      const problem = toProblem(error);
      expect(problem.status).toBe(502);
      expect(JSON.stringify({ ...problem, message: problem.message })).not.toMatch(/localhost|127\.0\.0\.1/);
      expect(upstream.seen).toHaveLength(before);
    } finally {
      await harness.close();
    }
  });

  it('connects when the operator allowlisted the range (or the name)', async () => {
    for (const allow of ['127.0.0.0/8', 'localhost']) {
      const config = validateOptions(InferenceModuleOptions, { totalTimeoutMs: 2_000 }, 'inference');
      const pools = new UpstreamPools(validateOptions(RegistryOptions, { upstreamAllowlist: [allow] }, 'registry'));
      const client = new UpstreamClient(config, pools, new UpstreamGuards(config, new GatewayMetrics({ processMetrics: false })));
      try {
        const before = upstream.seen.length;
        const response = await client.send(versionAt(viaName(upstream.url)), inferRequest());
        expect(response.status).toBe(200);
        expect(upstream.seen).toHaveLength(before + 1);
      } finally {
        await pools.onApplicationShutdown();
      }
    }
  });
});
