import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parse as parseForm } from 'node:querystring';
import {
  assertUtf8Charset,
  decodeUtf8Body,
  DEFAULT_MAX_JSON_DEPTH,
  FORBIDDEN_JSON_KEYS,
  MalformedBodyException,
  parseJsonBody,
  UnsupportedMediaTypeException,
} from './json-body';

export interface BodyParserOptions {
  bodyLimitBytes: number;
  /** Deepest nesting accepted in a JSON body (config validation.maxJsonDepth). */
  maxJsonDepth?: number;
  /** Paths under which form bodies are accepted (the OAuth endpoints); elsewhere a form is 415. */
  formPathPrefixes?: readonly string[];
}

export const DEFAULT_FORM_PATH_PREFIXES: readonly string[] = ['/oauth/'];

/**
 * The gateway's only body parsers (Nest's are turned off with `bodyParser: false`): JSON with the
 * hostile-body defences of json-body.ts, and forms on the routes that take them. Every other content
 * type, text/plain included, is answered 415 by Fastify before any handler runs.
 */
export function registerBodyParsers(fastify: FastifyInstance, options: BodyParserOptions): void {
  const maxDepth = options.maxJsonDepth ?? DEFAULT_MAX_JSON_DEPTH;
  const formPaths = options.formPathPrefixes ?? DEFAULT_FORM_PATH_PREFIXES;
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: options.bodyLimitBytes }, (request, body, done) => {
    try {
      assertUtf8Charset(request.headers['content-type']);
      done(null, parseJsonBody(body as Buffer, maxDepth));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  fastify.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'buffer', bodyLimit: options.bodyLimitBytes },
    (request, body, done) => {
      try {
        if (!acceptsForms(request, formPaths)) throw new UnsupportedMediaTypeException();
        const form = parseForm(decodeUtf8Body(body as Buffer));
        for (const key of Object.keys(form)) {
          if (FORBIDDEN_JSON_KEYS.has(key))
            throw new MalformedBodyException('The request body uses a reserved key (__proto__, constructor or prototype).');
        }
        done(null, form);
      } catch (error) {
        done(error as Error, undefined);
      }
    },
  );
}

function acceptsForms(request: FastifyRequest, prefixes: readonly string[]): boolean {
  const path = request.url.split('?', 1)[0];
  return prefixes.some((prefix) => path.startsWith(prefix));
}
