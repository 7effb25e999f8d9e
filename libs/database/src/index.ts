export * from './database.module';
export * from './database.options';
export * from './database.service';
export * from './data-source.options';
export * from './migration-lock';
export * from './redis/redis.provider';
export * from './migrations';
