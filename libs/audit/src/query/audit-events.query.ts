import { RequestValidationException } from '@infergate/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { IsIsoDateTime, IsOmittable } from '@infergate/validation';

const OUTCOMES = ['success', 'failure', 'denied'] as const;
const text = (max: number) => [
  IsString({ message: 'Must be a string.' }),
  MinLength(1, { message: 'Must not be empty.' }),
  MaxLength(max, { message: `Must be at most ${max} characters.` }),
];
const apply =
  (decorators: PropertyDecorator[]): PropertyDecorator =>
  (target, key) =>
    decorators.forEach((decorator) => decorator(target, key));

/** `GET /v1/admin/audit-events` query: filters, then keyset paging (ignored by the NDJSON export's page size). */
export class ListAuditEventsQueryDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'occurredAt ≥ this ISO 8601 date-time' })
  @IsOmittable()
  @IsIsoDateTime()
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'occurredAt < this ISO 8601 date-time' })
  @IsOmittable()
  @IsIsoDateTime()
  to?: string;

  @ApiPropertyOptional({ maxLength: 255, description: "the actor's subject id" })
  @IsOmittable()
  @apply(text(255))
  actor?: string;

  @ApiPropertyOptional({ maxLength: 64 })
  @IsOmittable()
  @apply(text(64))
  orgId?: string;

  @ApiPropertyOptional({ maxLength: 128, description: 'an action, or a prefix ending in "*"' })
  @IsOmittable()
  @apply(text(128))
  @Matches(/^[^*]+\*?$/, { message: 'An action, or an action prefix ending in a single "*".' })
  action?: string;

  @ApiPropertyOptional({ enum: OUTCOMES })
  @IsOmittable()
  @IsIn(OUTCOMES, { message: `Must be one of: ${OUTCOMES.join(', ')}.` })
  outcome?: (typeof OUTCOMES)[number];

  @ApiPropertyOptional({ maxLength: 512, description: 'nextCursor of the previous page' })
  @IsOmittable()
  @apply(text(512))
  cursor?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 1000, default: 100 })
  @Type(() => Number)
  @IsInt({ message: 'Must be an integer.' })
  @Min(1, { message: 'Must be at least 1.' })
  @Max(1000, { message: 'Must be at most 1000.' })
  limit = 100;
}
export type ListAuditEvents = ListAuditEventsQueryDto;

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
