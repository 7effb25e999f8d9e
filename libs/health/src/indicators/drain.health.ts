import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { DrainService } from '../drain.service';

/** Down from the moment the gateway starts draining (SIGTERM), so that the load balancer stops sending. */
@Injectable()
export class DrainHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly drain: DrainService,
  ) {}

  isAccepting<const Key extends string>(key: Key): HealthIndicatorResult<Key> {
    const indicator = this.indicators.check(key);
    return this.drain.draining ? indicator.down() : indicator.up();
  }
}
