export * from './drain.service';
export * from './health-report.interceptor';
export * from './indicators/database.health';
export * from './indicators/drain.health';
export * from './indicators/migrations.health';
export * from './indicators/redis.health';
export * from './health.module';
export * from './shutdown.options';
