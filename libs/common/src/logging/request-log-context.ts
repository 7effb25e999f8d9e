import type { IncomingMessage } from 'node:http';

/** What other stages leave on the raw request for the request logger (read structurally: common imports no lib). */
export interface LoggedRequest extends IncomingMessage {
  /** Set by the authentication guard. */
  principal?: { subject?: string; orgId?: string | null };
  /** Set by the observability hooks when tracing is on (the server span's trace id). */
  traceId?: string;
}

const TRACEPARENT = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}/;

/**
 * The correlation fields of a request's log lines: trace id (the server span's, else the incoming W3C
 * traceparent's), principal id and organization once authenticated. Identifiers only, never
 * credentials: the principal's token id and scopes stay out.
 */
export function requestLogContext(req: LoggedRequest): Record<string, string> {
  const fields: Record<string, string> = {};
  const traceId = req.traceId ?? traceIdOf(req.headers?.traceparent);
  if (traceId) fields.traceId = traceId;
  const principal = req.principal;
  if (principal?.subject) fields.principalId = principal.subject;
  if (principal?.orgId) fields.orgId = principal.orgId;
  return fields;
}

function traceIdOf(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  const match = TRACEPARENT.exec(header);
  return match && match[1] !== '00000000000000000000000000000000' ? match[1] : undefined;
}
