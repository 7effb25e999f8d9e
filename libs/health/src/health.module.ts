import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { DrainService } from './drain.service';
import { HealthReportInterceptor } from './health-report.interceptor';
import { HealthController } from './health.controller';
import { DatabaseHealthIndicator } from './indicators/database.health';
import { DrainHealthIndicator } from './indicators/drain.health';
import { MigrationsHealthIndicator } from './indicators/migrations.health';
import { RedisHealthIndicator } from './indicators/redis.health';

/**
 * GET /health/live and /health/ready on @nestjs/terminus, one indicator class per dependency, and the
 * DrainService for graceful shutdown. terminus' logger is off: a probe failing is the load balancer's
 * news, and its log line would carry the indicators' details.
 */
@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [
    DrainService,
    DrainHealthIndicator,
    DatabaseHealthIndicator,
    MigrationsHealthIndicator,
    RedisHealthIndicator,
    HealthReportInterceptor,
  ],
  exports: [DrainService],
})
export class HealthModule {}
