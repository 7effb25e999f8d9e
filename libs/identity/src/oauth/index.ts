// The built-in authorization server's public surface (access-token-claims and local-key-set are
// exported by the identity index directly).
export * from './oauth.module';
export * from './oauth.errors';
export * from './signing-keys.service';
export * from './token-issuer.service';
export * from './client-authenticator.service';
export * from './local-access-token.verifier';
export * from './assertion-replay-cache';
