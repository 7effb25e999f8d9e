export * from './configuration.error';
export * from './config-transforms';
export * from './config-validators';
export * from './options-validation';
export * from './lib-module';
