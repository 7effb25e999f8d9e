import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { DatabaseService } from '@infergate/database';

/**
 * A round trip to the database through DatabaseService.ping rather than terminus'
 * TypeOrmHealthIndicator: ping answers down at once while the service is still connecting or
 * retrying (no query queued on a pool that is waiting for its connect timeout), bounds the query by
 * the configured connect timeout, and never carries the driver's message (hosts, users) into the result.
 */
@Injectable()
export class DatabaseHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly database: DatabaseService,
  ) {}

  async pingCheck<const Key extends string>(key: Key): Promise<HealthIndicatorResult<Key>> {
    const indicator = this.indicators.check(key);
    return (await this.database.ping()) ? indicator.up() : indicator.down();
  }
}
