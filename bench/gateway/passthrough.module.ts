import { Body, Controller, HttpCode, Inject, Module, OnModuleDestroy, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Pool } from 'undici';
import { Public } from '@infergate/common';

/** Where the pass-through route forwards to: the harness's mock upstream (`BENCH_UPSTREAM_URL`, an origin). */
const UPSTREAM_POOL = Symbol('BenchUpstreamPool');
const UPSTREAM_PATH = '/v2/models/m/infer';

/**
 * Benchmark target 4, "infergate pass-through": a public route that only proxies. It runs through
 * the gateway's Fastify hooks, global guards (which let a public route by), filters and logging, but
 * no token, policy, rate limit, model lookup or schema check — the framework's own cost, measured
 * against the bare Node proxy. Exists only in the bench entry point (bench/gateway/main.ts), never
 * in the shipped AppModule.
 */
@Controller('bench')
export class PassthroughController {
  constructor(@Inject(UPSTREAM_POOL) private readonly pool: Pool) {}

  @Public()
  @Post('passthrough')
  @HttpCode(200)
  async forward(@Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer> {
    const upstream = await this.pool.request({
      method: 'POST',
      path: UPSTREAM_PATH,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const payload = Buffer.from(await upstream.body.arrayBuffer());
    reply.status(upstream.statusCode).header('content-type', upstream.headers['content-type'] ?? 'application/json');
    return payload;
  }
}

class PoolCloser implements OnModuleDestroy {
  constructor(@Inject(UPSTREAM_POOL) private readonly pool: Pool) {}

  async onModuleDestroy(): Promise<void> {
    await this.pool.close();
  }
}

@Module({
  controllers: [PassthroughController],
  providers: [
    {
      provide: UPSTREAM_POOL,
      // Same pool shape as the bare proxy (bench/servers/bare-proxy.ts), so that only the framework differs.
      useFactory: () => new Pool(process.env.BENCH_UPSTREAM_URL ?? 'http://127.0.0.1:9', { connections: 64, keepAliveTimeout: 60_000 }),
    },
    PoolCloser,
  ],
})
export class PassthroughModule {}
