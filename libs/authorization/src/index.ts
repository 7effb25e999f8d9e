export * from './policy';
export * from './ability';
export * from './explain';
export * from './authorization.module';
export * from './authorization.options';
