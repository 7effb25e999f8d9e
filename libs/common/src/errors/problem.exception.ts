import { ProblemFieldError, problemType } from './problem';

export interface ProblemInit {
  status: number;
  /** Short kebab-case name that becomes the problem `type`. */
  slug: string;
  title: string;
  detail: string;
  errors?: ProblemFieldError[];
  /** Response headers the problem needs, e.g. WWW-Authenticate or Retry-After. */
  headers?: Record<string, string>;
  /** Extra members of the problem object (safe for clients to see). */
  extensions?: Record<string, unknown>;
  /** Defaults to application/problem+json; OAuth endpoints answer application/json (RFC 6749 §5.2). */
  contentType?: string;
}

/**
 * The base of every domain failure. Subclasses name one failure each; the global filter renders
 * them as application/problem+json. Messages must be safe to show a client.
 */
export class ProblemException extends Error {
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly detail: string;
  readonly errors?: ProblemFieldError[];
  readonly headers: Record<string, string>;
  readonly extensions: Record<string, unknown>;
  readonly contentType?: string;

  constructor(init: ProblemInit) {
    super(init.detail);
    this.name = new.target.name;
    this.status = init.status;
    this.type = problemType(init.slug);
    this.title = init.title;
    this.detail = init.detail;
    this.errors = init.errors;
    this.headers = init.headers ?? {};
    this.extensions = init.extensions ?? {};
    this.contentType = init.contentType;
  }
}

/** RFC 6750 §3: a request without credentials gets a bare challenge. */
export class AuthenticationRequiredException extends ProblemException {
  constructor() {
    super({
      status: 401,
      slug: 'unauthenticated',
      title: 'Unauthorized',
      detail: 'This resource requires authentication.',
      headers: { 'WWW-Authenticate': 'Bearer realm="infergate"' },
    });
  }
}

/** A dependency the request needs (database, Redis) cannot be reached right now. */
export class ServiceUnavailableException extends ProblemException {
  constructor(detail = 'The service is temporarily unavailable. Retry later.', retryAfterSeconds = 5) {
    super({
      status: 503,
      slug: 'service-unavailable',
      title: 'Service Unavailable',
      detail,
      headers: { 'Retry-After': String(retryAfterSeconds) },
    });
  }
}

/** A request body or query that does not fit its schema: 400, one `errors[]` entry per violation. */
export class RequestValidationException extends ProblemException {
  constructor(errors: ProblemFieldError[]) {
    super({ status: 400, slug: 'validation-failed', title: 'Bad Request', detail: 'The request is not valid.', errors });
  }

  /** One violation at one JSON pointer. */
  static at(pointer: string, detail: string): RequestValidationException {
    return new RequestValidationException([{ pointer, detail }]);
  }
}

/**
 * The caller may not even read the resource, or it does not exist. Byte-identical to the gateway's
 * answer for a path where nothing exists, so that another organization's resources cannot be discovered.
 */
export class ResourceNotFoundException extends ProblemException {
  constructor() {
    super({ status: 404, slug: 'not-found', title: 'Not Found', detail: 'No resource exists at this path.' });
  }
}

/** The caller may see the resource (or the route) but not do this to it. */
export class AccessForbiddenException extends ProblemException {
  constructor() {
    super({ status: 403, slug: 'forbidden', title: 'Forbidden', detail: 'You are not allowed to do this.' });
  }
}
