export * from './periods';
export * from './memory-rate-limit.store';
export * from './redis-rate-limit.store';
export * from './resilient-rate-limit.store';
export * from './rate-limit-store.provider';
