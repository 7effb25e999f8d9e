import { z } from 'zod';

/**
 * A boolean query parameter parsed strictly: only `true` and `false` (absent: the default). JavaScript
 * truthiness (`?flag=0` → true) and zod's coerce (`Boolean("false")` → true) are the surprises it avoids.
 */
export function strictQueryBoolean(defaultValue = false) {
  return z
    .enum(['true', 'false'], { message: 'must be true or false' })
    .default(defaultValue ? 'true' : 'false')
    .transform((value) => value === 'true');
}
