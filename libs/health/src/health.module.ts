import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { DrainService } from './drain.service';
import { HealthController } from './health.controller';
import { ReadinessService } from './readiness.service';

@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [ReadinessService, DrainService],
  exports: [DrainService],
})
export class HealthModule {}
