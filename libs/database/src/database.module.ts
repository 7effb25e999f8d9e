import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type Redis from 'ioredis';
import { APP_CONFIG, InfergateConfig } from '@infergate/common';
import { dataSourceOptions } from './data-source.options';
import { DATABASE_OPTIONS, DatabaseOptions, DatabaseService } from './database.service';
import { REDIS_CLIENT, redisClientProvider } from './redis/redis.provider';

/**
 * The persistence layer: the TypeORM DataSource (SQLite or PostgreSQL), its migrations, and the
 * shared Redis client when one is configured. Feature modules register their entities with
 * TypeOrmModule.forFeature and read repositories through DatabaseService.
 */
@Global()
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis | null) {}

  static forRoot(options: DatabaseOptions): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: InfergateConfig) => ({
            ...dataSourceOptions(config),
            autoLoadEntities: true,
            // DatabaseService connects in the background so that the process stays live without a database.
            manualInitialization: true,
          }),
        }),
      ],
      providers: [{ provide: DATABASE_OPTIONS, useValue: options }, DatabaseService, redisClientProvider],
      exports: [DatabaseService, REDIS_CLIENT],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis?.quit().catch(() => this.redis?.disconnect());
  }
}
