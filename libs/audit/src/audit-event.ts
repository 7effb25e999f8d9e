/** Who did it: an authenticated principal, an anonymous caller, or the gateway itself. */
export type AuditActorType = 'user' | 'application' | 'anonymous' | 'system';

export type AuditOutcome = 'success' | 'failure' | 'denied';

/**
 * What every module hands to AuditService.record. Payloads never go here: only identifiers,
 * reason codes and digests. `details` is small, flat, and free of secrets.
 */
export interface AuditEventInput {
  action: string;
  outcome: AuditOutcome;
  actor: { type: AuditActorType; id?: string };
  orgId?: string;
  resource?: { type: string; id?: string };
  reason?: string;
  requestId?: string;
  details?: Record<string, string | number | boolean | null>;
  /** Defaults to now; set when recording something that happened earlier. */
  occurredAt?: Date;
}
