export * from './drain.service';
export * from './readiness.service';
export * from './health.module';
export * from './shutdown.options';
