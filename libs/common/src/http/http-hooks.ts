import type { FastifyInstance } from 'fastify';
import { ProblemException } from '../errors/problem.exception';
import { BodyParserOptions, registerBodyParsers } from './body-parsers';
import { REQUEST_ID_HEADER } from './request-id';

export class PayloadTooLargeException extends ProblemException {
  constructor(limitBytes: number) {
    super({
      status: 413,
      slug: 'payload-too-large',
      title: 'Payload Too Large',
      detail: `The request body is larger than this gateway accepts (${limitBytes} bytes).`,
    });
  }
}

/**
 * The first steps of the pipeline, run by Fastify: echo the request id on every response, refuse
 * declared oversize bodies before a byte of them is read, on every path, and parse bodies with the
 * hostile-input defences of body-parsers.ts (the Nest application is created with bodyParser: false).
 * Bodies without Content-Length are capped by Fastify's bodyLimit while they stream.
 */
export function registerHttpHooks(fastify: FastifyInstance, options: BodyParserOptions): void {
  registerBodyParsers(fastify, options);
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
  // preParsing runs before a byte of the body is read.
  fastify.addHook('preParsing', (request, reply, payload, done) => {
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > options.bodyLimitBytes) {
      done(new PayloadTooLargeException(options.bodyLimitBytes));
      return;
    }
    done(null, payload);
  });
}
