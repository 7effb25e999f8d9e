import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type Redis from 'ioredis';
import { composeLibModule } from '@infergate/common';
import { dataSourceOptions } from './data-source.options';
import {
  ConfigurableDatabaseModule,
  DATABASE_ASYNC_OPTIONS_TYPE,
  DATABASE_MODULE_OPTIONS,
  DATABASE_OPTIONS_TYPE,
  DatabaseOptionsHolder,
} from './database.module-definition';
import { DATABASE_OPTIONS, DatabaseModuleOptions } from './database.options';
import { DatabaseService } from './database.service';
import { REDIS_CLIENT, REDIS_KEY_PREFIX, redisClientProvider } from './redis/redis.provider';

/**
 * The persistence layer: the TypeORM DataSource (SQLite or PostgreSQL), its migrations, and the
 * shared Redis client when one is configured. Feature modules register their entities with
 * TypeOrmModule.forFeature and read repositories through DatabaseService. Usage:
 * `DatabaseModule.forRoot({ database: { sqlitePath }, redis: { url } })` or forRootAsync.
 *
 * Global, like the TypeORM data source under it: it is infrastructure that nearly every library
 * reads, and a library cannot import the dynamic module an application configured.
 */
@Module({})
export class DatabaseModule extends ConfigurableDatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis | null) {
    super();
  }

  static forRoot(options: typeof DATABASE_OPTIONS_TYPE): DynamicModule {
    return DatabaseModule.compose(super.forRoot(options));
  }

  static forRootAsync(options: typeof DATABASE_ASYNC_OPTIONS_TYPE): DynamicModule {
    return DatabaseModule.compose(super.forRootAsync(options));
  }

  private static compose(definition: DynamicModule): DynamicModule {
    return {
      ...composeLibModule(definition, {
        holder: DatabaseOptionsHolder,
        rawToken: DATABASE_MODULE_OPTIONS,
        token: DATABASE_OPTIONS,
        type: DatabaseModuleOptions,
        scope: 'database',
        imports: [
          TypeOrmModule.forRootAsync({
            inject: [DATABASE_OPTIONS],
            useFactory: (options: DatabaseModuleOptions) => ({
              ...dataSourceOptions(options.database),
              autoLoadEntities: true,
              // DatabaseService connects in the background so that the process stays live without a database.
              manualInitialization: true,
            }),
          }),
        ],
        providers: [
          DatabaseService,
          redisClientProvider,
          {
            provide: REDIS_KEY_PREFIX,
            inject: [DATABASE_OPTIONS],
            useFactory: (options: DatabaseModuleOptions) => options.redis.keyPrefix,
          },
        ],
        exports: [DatabaseService, REDIS_CLIENT, REDIS_KEY_PREFIX],
      }),
      global: true,
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis?.quit().catch(() => this.redis?.disconnect());
  }
}
