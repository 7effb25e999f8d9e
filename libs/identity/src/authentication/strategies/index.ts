export * from './api-key.strategy';
export * from './bearer-token.strategy';
export * from './client-certificate.strategy';
