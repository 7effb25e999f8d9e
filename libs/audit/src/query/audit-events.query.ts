import { RequestValidationException } from '@infergate/common';
import { z } from 'zod';

const isoDate = z.iso.datetime({ offset: true, message: 'Must be an ISO 8601 date-time, such as 2026-01-31T00:00:00Z.' });

/** `GET /v1/admin/audit-events` query: filters, then keyset paging (ignored by the NDJSON export's page size). */
export const listAuditEventsSchema = z.strictObject({
  /** Inclusive lower bound on occurredAt. */
  from: isoDate.optional(),
  /** Exclusive upper bound on occurredAt. */
  to: isoDate.optional(),
  /** actor_id: a principal's subject id. */
  actor: z.string().min(1).max(255).optional(),
  orgId: z.string().min(1).max(64).optional(),
  /** Exact action, or a prefix ending in `*` (`auth.*`). */
  action: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[^*]+\*?$/, 'An action, or an action prefix ending in a single "*".')
    .optional(),
  outcome: z.enum(['success', 'failure', 'denied']).optional(),
  cursor: z.string().min(1).max(512).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export type ListAuditEvents = z.output<typeof listAuditEventsSchema>;

/** Where a page ends: the last item's (occurredAt, id), the order the list is sorted by. */
export interface AuditCursor {
  occurredAt: Date;
  id: string;
}

/** Opaque to clients: base64url of `[occurredAt ISO, id]`. */
export function encodeCursor(cursor: AuditCursor): string {
  return Buffer.from(JSON.stringify([cursor.occurredAt.toISOString(), cursor.id]), 'utf8').toString('base64url');
}

/** Decodes a cursor made by encodeCursor; anything else is the caller's error (400 at /cursor). */
export function decodeCursor(value: string): AuditCursor {
  try {
    const decoded = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(decoded) && decoded.length === 2 && typeof decoded[0] === 'string' && typeof decoded[1] === 'string') {
      const occurredAt = new Date(decoded[0]);
      if (!Number.isNaN(occurredAt.getTime()) && decoded[1].length <= 36) return { occurredAt, id: decoded[1] };
    }
  } catch {
    // falls through to the validation error
  }
  throw RequestValidationException.at('/cursor', 'Not a cursor returned by this API.');
}
