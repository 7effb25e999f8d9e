export * from './rate-limit.types';
