export * from './model-registry.types';
