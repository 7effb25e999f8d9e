import { ProblemException } from '../errors/problem.exception';

/**
 * Hostile-body defences for JSON requests, run before and right after JSON.parse: invalid UTF-8,
 * nesting deeper than the configured cap (checked with one iterative pass over the text, so that no
 * depth can exhaust the parser's stack), prototype-pollution keys at any depth, and numbers that
 * JSON.parse turns into Infinity (1e309).
 */

export const DEFAULT_MAX_JSON_DEPTH = 64;

/** Keys that reach Object.prototype or a constructor when copied naively (lodash.merge, Object.assign chains). */
export const FORBIDDEN_JSON_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export class MalformedBodyException extends ProblemException {
  constructor(detail: string, pointer?: string) {
    super({
      status: 400,
      slug: 'malformed-body',
      title: 'Bad Request',
      detail,
      ...(pointer !== undefined ? { errors: [{ pointer, detail: 'is not allowed' }] } : {}),
    });
  }
}

export class UnsupportedMediaTypeException extends ProblemException {
  constructor(detail = 'The request body has a content type this endpoint does not accept.') {
    super({ status: 415, slug: 'unsupported-media-type', title: 'Unsupported Media Type', detail });
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes a body as UTF-8, refusing invalid byte sequences (a lenient decoder would substitute U+FFFD). */
export function decodeUtf8Body(body: Buffer): string {
  try {
    return utf8.decode(body);
  } catch {
    throw new MalformedBodyException('The request body is not valid UTF-8.');
  }
}

interface TextScan {
  /** The nesting went deeper than allowed. */
  tooDeep: boolean;
  /** Some number literal could overflow to Infinity (an exponent, or a very long digit run). */
  bigNumbers: boolean;
}

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const OPEN_BRACKET = 91;
const CLOSE_BRACE = 125;
const CLOSE_BRACKET = 93;
const LOWER_E = 101;
const UPPER_E = 69;
/** Above 308 digits a plain integer literal exceeds Number.MAX_VALUE. */
const LONG_DIGIT_RUN = 300;

/**
 * One pass over the text: bracket depth outside strings (strings are skipped with indexOf), and
 * whether any number literal might overflow. Invalid JSON is left for JSON.parse to refuse.
 */
export function scanJsonText(text: string, maxDepth: number): TextScan {
  let depth = 0;
  let digits = 0;
  let bigNumbers = false;
  const length = text.length;
  for (let index = 0; index < length; index++) {
    const code = text.charCodeAt(index);
    if (code === QUOTE) {
      index = closingQuote(text, index);
      digits = 0;
      continue;
    }
    if (code >= 48 && code <= 57) {
      if (++digits > LONG_DIGIT_RUN) bigNumbers = true;
      continue;
    }
    if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      if (++depth > maxDepth) return { tooDeep: true, bigNumbers };
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      depth--;
    } else if ((code === LOWER_E || code === UPPER_E) && (digits > 0 || text.charCodeAt(index - 1) === 46)) {
      bigNumbers = true;
    }
    if (code !== 46) digits = 0;
  }
  return { tooDeep: false, bigNumbers };
}

/** Index of the quote closing the string opened at `open` (or the end of the text when unterminated). */
function closingQuote(text: string, open: number): number {
  let at = open + 1;
  for (;;) {
    const quote = text.indexOf('"', at);
    if (quote === -1) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote;
    at = quote + 1;
  }
}

/**
 * Parses a JSON request body with every defence applied. Throws MalformedBodyException (400) for a
 * body that is not valid UTF-8 or JSON, too deep, carrying a reserved key, or a non-finite number.
 */
export function parseJsonBody(body: Buffer, maxDepth: number = DEFAULT_MAX_JSON_DEPTH): unknown {
  if (body.length === 0) throw new MalformedBodyException('The request declares a JSON body but sent none.');
  const text = decodeUtf8Body(body);
  const scan = scanJsonText(text, maxDepth);
  if (scan.tooDeep) throw new MalformedBodyException(`The request body is nested deeper than ${maxDepth} levels.`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new MalformedBodyException('The request body is not valid JSON.');
  }
  // Reserved keys can only be present if their text (or a \u escape that could spell it) is.
  const mayHaveReservedKeys =
    text.includes('__proto__') || text.includes('constructor') || text.includes('prototype') || text.includes('\\u');
  if (mayHaveReservedKeys || scan.bigNumbers) inspectParsed(value, mayHaveReservedKeys, scan.bigNumbers);
  return value;
}

/** Iterative walk of the parsed value (depth already bounded): reserved keys and non-finite numbers. */
function inspectParsed(root: unknown, keys: boolean, numbers: boolean): void {
  const stack: { value: unknown; pointer: string }[] = [{ value: root, pointer: '' }];
  while (stack.length > 0) {
    const { value, pointer } = stack.pop()!;
    if (typeof value === 'number') {
      if (numbers && !Number.isFinite(value))
        throw new MalformedBodyException('The request body has a number too large to represent.', shortPointer(pointer));
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (Array.isArray(value)) {
      for (let index = 0; index < value.length; index++) {
        const item: unknown = value[index];
        if (typeof item === 'object' ? item !== null : numbers && typeof item === 'number')
          stack.push({ value: item, pointer: `${pointer}/${index}` });
      }
      continue;
    }
    for (const key of Object.keys(value)) {
      const child = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (keys && FORBIDDEN_JSON_KEYS.has(key)) {
        throw new MalformedBodyException(
          'The request body uses a reserved key (__proto__, constructor or prototype).',
          shortPointer(child),
        );
      }
      const item: unknown = (value as Record<string, unknown>)[key];
      if (typeof item === 'object' ? item !== null : numbers && typeof item === 'number') stack.push({ value: item, pointer: child });
    }
  }
}

/** Pointers are echoed only when short: they are made of the client's own keys. */
function shortPointer(pointer: string): string | undefined {
  return pointer.length <= 200 ? pointer : undefined;
}

/** Refuses a JSON body declared in any charset but UTF-8 (RFC 8259 §8.1). */
export function assertUtf8Charset(contentType: string | undefined): void {
  if (!contentType) return;
  const match = /;\s*charset\s*=\s*"?([^";\s]*)"?/i.exec(contentType);
  if (!match) return;
  const charset = match[1].toLowerCase();
  if (charset !== 'utf-8' && charset !== 'utf8') throw new UnsupportedMediaTypeException('JSON request bodies must be UTF-8.');
}
