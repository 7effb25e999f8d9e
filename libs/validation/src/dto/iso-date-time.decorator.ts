import { ValidateBy, type ValidationOptions } from 'class-validator';

/** An RFC 3339 date-time with its offset (`Z` or `±hh:mm`): what an API should be sent, never a bare date. */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/i;

export const ISO_DATE_TIME_MESSAGE = 'Must be an ISO 8601 date-time, such as 2026-01-31T00:00:00Z.';

/** True for an ISO 8601 date-time with an offset that names a real instant (no 2026-02-31). */
export function isIsoDateTime(value: unknown): value is string {
  if (typeof value !== 'string' || !ISO_DATE_TIME.test(value)) return false;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return false;
  // Date.parse rolls 2026-02-31 over to March; the calendar date must survive the round trip.
  const [year, month, day] = value.slice(0, 10).split('-').map(Number);
  const probe = new Date(Date.UTC(year, month - 1, day));
  return probe.getUTCFullYear() === year && probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day;
}

/** A string property holding an ISO 8601 date-time with an offset. */
export function IsIsoDateTime(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy({ name: 'isIsoDateTime', validator: { validate: isIsoDateTime } }, { message: ISO_DATE_TIME_MESSAGE, ...options });
}
