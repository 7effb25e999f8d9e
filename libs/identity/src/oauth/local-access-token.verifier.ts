import { Inject, Injectable } from '@nestjs/common';
import { CryptoKey, importJWK, JWTHeaderParameters, jwtVerify } from 'jose';
import { ACCESS_TOKEN_TYPE, AccessTokenClaims } from './access-token-claims';
import { SigningKeysService } from './signing-keys.service';
import { IDENTITY_OPTIONS, type IdentityModuleOptions } from '../identity.options';

const ALGORITHMS = ['ES256', 'RS256', 'EdDSA'];
const MAX_TOKEN_LENGTH = 8192;
const MAX_CACHED_KEYS = 64;

/**
 * Verifies a token the built-in authorization server issued (signature against its own published
 * keys, `typ: at+jwt`, issuer, audience, lifetime, claim types). Used by revocation and
 * introspection; it does not check revocation itself.
 */
@Injectable()
export class LocalAccessTokenVerifier {
  private readonly imported = new Map<string, CryptoKey>();

  constructor(
    private readonly keys: SigningKeysService,
    @Inject(IDENTITY_OPTIONS) private readonly options: IdentityModuleOptions,
  ) {}

  /** The token's claims, or undefined when it is not a valid, unexpired token of ours. */
  async verify(token: string): Promise<AccessTokenClaims | undefined> {
    if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) return undefined;
    try {
      const { payload } = await jwtVerify(token, (header) => this.keyFor(header), {
        typ: ACCESS_TOKEN_TYPE,
        issuer: this.options.issuer,
        audience: this.options.audience,
        algorithms: ALGORITHMS,
        clockTolerance: this.options.clockSkewSeconds,
        requiredClaims: ['exp', 'iat', 'jti', 'sub'],
      });
      return hasClaimTypes(payload) ? payload : undefined;
    } catch {
      return undefined;
    }
  }

  private async keyFor(header: JWTHeaderParameters): Promise<CryptoKey> {
    if (typeof header.kid !== 'string') throw new Error('no kid');
    const jwk = await this.keys.findPublicKey(header.kid);
    // The header may not choose the algorithm: it must be the key's own.
    if (!jwk || jwk.alg !== header.alg) throw new Error('unknown key');
    let key = this.imported.get(header.kid);
    if (!key) {
      key = (await importJWK(jwk, jwk.alg)) as CryptoKey;
      if (this.imported.size >= MAX_CACHED_KEYS) this.imported.clear();
      this.imported.set(header.kid, key);
    }
    return key;
  }
}

function hasClaimTypes(payload: Record<string, unknown>): payload is AccessTokenClaims & Record<string, unknown> {
  const strings = ['iss', 'aud', 'sub', 'client_id', 'jti', 'scope', 'org_id', 'clearance'];
  const lists = ['project_ids', 'roles', 'regions', 'cidrs'];
  return (
    strings.every((name) => typeof payload[name] === 'string') &&
    lists.every((name) => Array.isArray(payload[name]) && (payload[name] as unknown[]).every((item) => typeof item === 'string')) &&
    typeof payload.iat === 'number' &&
    typeof payload.exp === 'number'
  );
}
