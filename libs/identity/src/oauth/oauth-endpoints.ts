import type { IdentityOptions } from '../identity.options';

/** The authorization server's URLs, derived from the configured issuer (RFC 8414 §3). */
export interface OAuthEndpoints {
  issuer: string;
  token: string;
  jwks: string;
  revocation: string;
  introspection: string;
}

export function oauthEndpoints(options: Pick<IdentityOptions, 'issuer'>): OAuthEndpoints {
  const issuer = options.issuer;
  const base = issuer.replace(/\/+$/, '');
  return {
    issuer,
    token: `${base}/oauth/token`,
    jwks: `${base}/.well-known/jwks.json`,
    revocation: `${base}/oauth/revoke`,
    introspection: `${base}/oauth/introspect`,
  };
}
