import { PipeTransform } from '@nestjs/common';
import type { ProblemFieldError } from '../errors/problem';
import { z } from 'zod';
import { RequestValidationException } from '../errors/problem.exception';

/**
 * Validates a body or query with a zod schema; unknown fields are refused by the schemas themselves
 * (strict objects). Violations become a 400 problem listing each one at its JSON pointer.
 */
export class ZodValidationPipe<T extends z.ZodType> implements PipeTransform<unknown, z.output<T>> {
  constructor(private readonly schema: T) {}

  transform(value: unknown): z.output<T> {
    const parsed = this.schema.safeParse(value ?? {});
    if (parsed.success) return parsed.data;
    throw new RequestValidationException(zodIssuesToErrors(parsed.error.issues));
  }
}

/** One problem error per issue; an unknown key is reported at its own pointer. */
export function zodIssuesToErrors(issues: readonly z.core.$ZodIssue[]): ProblemFieldError[] {
  const errors: ProblemFieldError[] = [];
  for (const issue of issues) {
    const base = pointerOf(issue.path);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) errors.push({ pointer: `${base}/${escapePointer(key)}`, detail: 'This field is not allowed.' });
    } else {
      errors.push({ pointer: base, detail: issue.message });
    }
  }
  return errors;
}

function pointerOf(path: readonly PropertyKey[]): string {
  return path.map((segment) => `/${escapePointer(String(segment))}`).join('');
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
