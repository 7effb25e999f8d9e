export * from './policy/policy.types';
