import { Controller, Get, Header, UseInterceptors } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, type HealthCheckResult, type HealthIndicatorFunction } from '@nestjs/terminus';
import { Public } from '@infergate/common';
import { HealthReportInterceptor, type HealthReport } from './health-report.interceptor';
import { DatabaseHealthIndicator } from './indicators/database.health';
import { DrainHealthIndicator } from './indicators/drain.health';
import { MigrationsHealthIndicator } from './indicators/migrations.health';
import { RedisHealthIndicator } from './indicators/redis.health';

/** The body of both probes, for the OpenAPI document (terminus' own schema describes a body we do not send). */
const HEALTH_REPORT_SCHEMA = {
  type: 'object',
  required: ['status', 'components'],
  properties: {
    status: { type: 'string', enum: ['up', 'down'] },
    components: { type: 'object', additionalProperties: { type: 'string', enum: ['up', 'down'] } },
  },
};

const LIVE: HealthReport = Object.freeze({ status: 'up', components: Object.freeze({}) });

/**
 * Load-balancer probes: public, uncached, and silent about versions, hosts and errors. For readiness
 * terminus runs the indicators; HealthReportInterceptor turns its result into `{ status, components }` (503 when
 * down). @HealthCheck() keeps its Cache-Control and Swagger additions off: the probes have answered
 * `no-store` and the minimal body since before terminus, and load balancers are configured for that.
 */
@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  /** Ready means: not draining, database reachable, schema migrated, Redis reachable when configured. */
  private readonly readiness: HealthIndicatorFunction[];

  constructor(
    private readonly health: HealthCheckService,
    drain: DrainHealthIndicator,
    database: DatabaseHealthIndicator,
    migrations: MigrationsHealthIndicator,
    redis: RedisHealthIndicator,
  ) {
    this.readiness = [
      () => drain.isAccepting('accepting'),
      () => database.pingCheck('database'),
      () => migrations.isCurrent('migrations'),
      ...(redis.configured ? [() => redis.pingCheck('redis')] : []),
    ];
  }

  /**
   * Liveness checks no dependency, so it has nothing for terminus to run: a constant answer, without
   * the check's promises and the interceptor's observable on a route probed every few seconds (the
   * per-request garbage showed up in test/memory's old-generation measurement).
   */
  @Get('live')
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({ description: 'The process is up. Checks no dependency.', schema: HEALTH_REPORT_SCHEMA })
  live(): HealthReport {
    return LIVE;
  }

  @Get('ready')
  @HealthCheck({ noCache: false, swaggerDocumentation: false })
  @UseInterceptors(HealthReportInterceptor)
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({ description: 'Ready for traffic.', schema: HEALTH_REPORT_SCHEMA })
  @ApiServiceUnavailableResponse({ description: 'Draining, or a dependency is down.', schema: HEALTH_REPORT_SCHEMA })
  ready(): Promise<HealthCheckResult> {
    return this.health.check(this.readiness);
  }
}
