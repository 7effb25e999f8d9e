/** RFC 9457 problem details as infergate sends them. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  requestId: string;
  /** Validation problems: one entry per violation, located by JSON pointer. */
  errors?: ProblemFieldError[];
  [extension: string]: unknown;
}

export interface ProblemFieldError {
  pointer: string;
  detail: string;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Problem type URIs are stable identifiers clients may switch on; they are not dereferenced. */
export function problemType(slug: string): string {
  return `urn:infergate:problem:${slug}`;
}
