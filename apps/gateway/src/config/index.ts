export * from './config-settings';
export * from './config-reference';
export * from './config.loader';
export * from './config.module';
export * from './config.safety';
export * from './infergate.config';
