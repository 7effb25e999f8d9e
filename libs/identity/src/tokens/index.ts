// Token verification and trusted issuers: what other modules and the CLI may use.
export * from './tokens.module';
export * from './access-token-verifier.service';
export * from './trusted-issuer.entity';
export * from './trusted-issuer.dto';
export * from './trusted-issuers.service';
export { externalUserId } from './external-principal.factory';
export { EXTERNAL_ALGORITHMS, MAX_EXTERNAL_SKEW_SECONDS, type ExternalAlgorithm } from './external-token.verifier';
export { isAllowedIdpUrl } from './idp-http';
