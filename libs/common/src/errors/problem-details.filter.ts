import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE, ProblemDetails, ProblemFieldError, problemType } from './problem';
import { ProblemException } from './problem.exception';

/** Safe client-facing wording per status, used whenever the error itself must not be echoed. */
const GENERIC_DETAIL: Record<number, string> = {
  400: 'The request is malformed.',
  401: 'This resource requires authentication.',
  403: 'You are not allowed to do this.',
  404: 'No resource exists at this path.',
  405: 'This method is not allowed on this resource.',
  406: 'No acceptable representation is available.',
  408: 'The request took too long to arrive.',
  409: 'The request conflicts with the current state of the resource.',
  413: 'The request body is larger than this gateway accepts.',
  414: 'The request URI is too long.',
  415: 'The request body has a content type this endpoint does not accept.',
  422: 'The request is well-formed but cannot be processed.',
  429: 'Too many requests.',
  431: 'The request headers are too large.',
  500: 'An unexpected error occurred. Quote the request id when reporting it.',
  503: 'The service is temporarily unavailable. Retry later.',
};

/** Fastify's own errors whose wording we can state precisely without echoing the request. */
const FASTIFY_DETAIL: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'The request body is not valid JSON.',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'The request declares a JSON body but sent none.',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'The Content-Length header does not match the body.',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'The request body has a content type this endpoint does not accept.',
  FST_ERR_CTP_BODY_TOO_LARGE: 'The request body is larger than this gateway accepts.',
};

/** Connection-level failures of a dependency: the client should retry, not see a 500. */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE', '57P01', '57P03']);

interface ErrorWithStatus {
  statusCode?: unknown;
  status?: unknown;
  code?: unknown;
}

/**
 * Turns every error — Nest's, Fastify's, ours and unknown ones — into RFC 9457 problem+json. Unknown
 * errors become a 500 that carries only the request id; their details go to the log, never the client.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemDetailsFilter.name);

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const { problem, headers } = this.toProblem(error, request);
    const contentType = error instanceof ProblemException && error.contentType ? error.contentType : PROBLEM_CONTENT_TYPE;

    if (problem.status >= 500 && problem.status !== 503) {
      this.logger.error({ err: error, requestId: problem.requestId }, 'unhandled error');
    }
    if (reply.sent || reply.raw.headersSent) {
      reply.raw.destroy();
      return;
    }
    void reply.code(problem.status).headers(headers).type(contentType).send(JSON.stringify(problem));
  }

  private toProblem(error: unknown, request: FastifyRequest): { problem: ProblemDetails; headers: Record<string, string> } {
    const base = { instance: pathOf(request), requestId: String(request.id) };

    if (error instanceof ProblemException) {
      return {
        problem: {
          type: error.type,
          title: error.title,
          status: error.status,
          detail: error.detail,
          ...base,
          ...(error.errors ? { errors: error.errors } : {}),
          ...error.extensions,
        },
        headers: error.headers,
      };
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      return { problem: { ...this.generic(status, nestDetail(error, status)), ...base, ...nestErrors(error) }, headers: {} };
    }
    const { statusCode, status, code } = (error ?? {}) as ErrorWithStatus;
    const clientStatus = typeof statusCode === 'number' ? statusCode : typeof status === 'number' ? status : undefined;
    if (clientStatus !== undefined && clientStatus >= 400 && clientStatus < 500) {
      const detail = typeof code === 'string' ? FASTIFY_DETAIL[code] : undefined;
      return { problem: { ...this.generic(clientStatus, detail), ...base }, headers: {} };
    }
    if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) {
      return { problem: { ...this.generic(503), ...base }, headers: { 'Retry-After': '5' } };
    }
    return { problem: { ...this.generic(500), ...base }, headers: {} };
  }

  private generic(status: number, detail?: string): Pick<ProblemDetails, 'type' | 'title' | 'status' | 'detail'> {
    const title = STATUS_CODES[status] ?? 'Error';
    return {
      type: problemType(slugOf(title)),
      title,
      status,
      detail: detail ?? GENERIC_DETAIL[status] ?? title,
    };
  }
}

/** The path only: query strings can carry credentials and must not be reflected. */
function pathOf(request: FastifyRequest): string {
  const url = request.url ?? '/';
  const queryAt = url.indexOf('?');
  return queryAt === -1 ? url : url.slice(0, queryAt);
}

function slugOf(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/**
 * Nest's own router 404 says "Cannot GET /path?query"; we never reflect the URL. Messages that our
 * code wrote into an HttpException (a string) are safe to show.
 */
function nestDetail(error: HttpException, status: number): string | undefined {
  const response = error.getResponse();
  const message = typeof response === 'string' ? response : (response as { message?: unknown }).message;
  if (typeof message !== 'string' || message.startsWith('Cannot ')) return GENERIC_DETAIL[status];
  return message;
}

/** class-validator failures arrive as a list of messages; expose them as problem `errors`. */
function nestErrors(error: HttpException): { errors?: ProblemFieldError[] } {
  const response = error.getResponse();
  const message = typeof response === 'object' ? (response as { message?: unknown }).message : undefined;
  if (!Array.isArray(message)) return {};
  return { errors: message.map((m) => ({ pointer: '', detail: String(m) })) };
}
