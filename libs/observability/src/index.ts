export * from './metrics/gateway-metrics';
export * from './observability.module';
