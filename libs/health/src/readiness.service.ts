import { Inject, Injectable } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import type Redis from 'ioredis';
import { DatabaseService, REDIS_CLIENT } from '@infergate/database';
import { DrainService } from './drain.service';

export type ComponentStatus = 'up' | 'down';

/** The whole body of a health answer: up or down, per component, and nothing else. */
export interface HealthReport {
  status: ComponentStatus;
  components: Record<string, ComponentStatus>;
}

/** A probe is not on the request path, but a load balancer wants its answer quickly. */
const REDIS_PING_TIMEOUT_MS = 500;

@Injectable()
export class ReadinessService {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly database: DatabaseService,
    private readonly drain: DrainService,
    @Inject(REDIS_CLIENT) private readonly redis: Redis | null,
  ) {}

  /** Ready means: not draining, database reachable, schema migrated, Redis reachable when configured. */
  async check(): Promise<HealthReport> {
    const checks = [
      () => this.indicate('accepting', !this.drain.draining),
      async () => this.indicate('database', await this.database.ping()),
      () => this.indicate('migrations', this.database.state === 'ready'),
    ];
    const redis = this.redis;
    if (redis) checks.push(async () => this.indicate('redis', await pingRedis(redis)));

    const result = await this.health.check(checks).catch((error: { getResponse?: () => unknown }) => error.getResponse?.());
    const details = (result as { details?: Record<string, { status: string }> } | undefined)?.details ?? {};
    const components: Record<string, ComponentStatus> = {};
    for (const [name, detail] of Object.entries(details)) components[name] = detail.status === 'up' ? 'up' : 'down';
    const allUp = Object.keys(components).length === checks.length && Object.values(components).every((s) => s === 'up');
    return { status: allUp ? 'up' : 'down', components };
  }

  private indicate(key: string, up: boolean): HealthIndicatorResult {
    const indicator = this.indicators.check(key);
    return up ? indicator.up() : indicator.down();
  }
}

async function pingRedis(redis: Redis): Promise<boolean> {
  if (redis.status !== 'ready') return false;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), REDIS_PING_TIMEOUT_MS);
  });
  try {
    return await Promise.race([
      redis.ping().then(
        (pong) => pong === 'PONG',
        () => false,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
