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
 * DatabaseService, the shared Redis client and its key prefix: what a library module that reads the
 * database or Redis imports. Static, so that every importer shares one DatabaseService and one Redis
 * connection; it reads DATABASE_OPTIONS, which the application provides with DatabaseModule.forRoot.
 */
@Module({
  providers: [
    DatabaseService,
    redisClientProvider,
    { provide: REDIS_KEY_PREFIX, inject: [DATABASE_OPTIONS], useFactory: (options: DatabaseModuleOptions) => options.redis.keyPrefix },
  ],
  exports: [DatabaseService, REDIS_CLIENT, REDIS_KEY_PREFIX],
})
export class DatabaseCoreModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis | null) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis?.quit().catch(() => this.redis?.disconnect());
  }
}

/**
 * The persistence layer: the TypeORM DataSource (SQLite or PostgreSQL), its migrations, and the
 * shared Redis client when one is configured. Feature modules register their entities with
 * TypeOrmModule.forFeature and import DatabaseCoreModule for DatabaseService. Usage:
 * `DatabaseModule.forRoot({ database: { sqlitePath }, redis: { url } })` or forRootAsync.
 */
@Module({})
export class DatabaseModule extends ConfigurableDatabaseModule {
  static forRoot(options: typeof DATABASE_OPTIONS_TYPE): DynamicModule {
    return DatabaseModule.compose(super.forRoot(options));
  }

  static forRootAsync(options: typeof DATABASE_ASYNC_OPTIONS_TYPE): DynamicModule {
    return DatabaseModule.compose(super.forRootAsync(options));
  }

  private static compose(definition: DynamicModule): DynamicModule {
    return composeLibModule(definition, {
      holder: DatabaseOptionsHolder,
      rawToken: DATABASE_MODULE_OPTIONS,
      token: DATABASE_OPTIONS,
      type: DatabaseModuleOptions,
      scope: 'database',
      imports: [
        DatabaseCoreModule,
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
      exports: [DatabaseCoreModule],
    });
  }
}
