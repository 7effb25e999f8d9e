/**
 * What passport and the AuthGuard write on every request they authenticate: passport.authenticate's
 * login/logout helpers and session manager, AuthGuard's authInfo, the principal (AuthGuard's
 * `property`) and the guard's AuthenticationAttempt. Declared up front, each request is born with
 * them and the writes are in-place stores; added on the fly, they move every request object through
 * ten hidden-class transitions and a property-store reallocation (measured in
 * bench/authentication.bench.ts).
 */
export const AUTHENTICATION_REQUEST_PROPERTIES = [
  'login',
  'logIn',
  'logout',
  'logOut',
  'isAuthenticated',
  'isUnauthenticated',
  '_sessionManager',
  'authInfo',
  'principal',
  'authentication',
] as const;

interface RequestDecorating {
  decorateRequest(name: string, value: unknown): unknown;
  hasRequestDecorator(name: string): boolean;
}

/**
 * Declares the properties on Fastify's request (as `undefined`: Fastify then initializes them in its
 * Request constructor instead of the prototype). Does nothing for another HTTP server, or for a
 * property someone declared already.
 */
export function declareAuthenticationRequestProperties(server: unknown): void {
  const fastify = server as Partial<RequestDecorating> | undefined;
  if (typeof fastify?.decorateRequest !== 'function' || typeof fastify.hasRequestDecorator !== 'function') return;
  for (const name of AUTHENTICATION_REQUEST_PROPERTIES) {
    if (!fastify.hasRequestDecorator(name)) fastify.decorateRequest(name, undefined);
  }
}
