import { randomFillSync } from 'node:crypto';

/** W3C Trace Context level 1: version-traceid-parentid-flags, lower-case hex. */
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

export interface TraceContext {
  traceId: string;
  parentId: string;
  flags: string;
}

/** Parses a traceparent header; undefined when invalid (version ff, all-zero ids, bad shape, extra fields on version 00). */
export function parseTraceparent(value: string | undefined): TraceContext | undefined {
  const match = value ? TRACEPARENT.exec(value.trim()) : null;
  if (!match) return undefined;
  const [, version, traceId, parentId, flags, rest] = match;
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (/^0+$/.test(traceId) || /^0+$/.test(parentId)) return undefined;
  return { traceId, parentId, flags };
}

/** Ids come from one pre-filled random pool (refilled when spent): one OpenSSL call per 4 KiB, not per id. */
const POOL = Buffer.alloc(4096);
let poolOffset = POOL.length;

function nonZeroHex(bytes: number): string {
  for (;;) {
    if (poolOffset + bytes > POOL.length) {
      randomFillSync(POOL);
      poolOffset = 0;
    }
    const hex = POOL.toString('hex', poolOffset, (poolOffset += bytes));
    if (!/^0+$/.test(hex)) return hex;
  }
}

/**
 * The traceparent of an upstream call: a child of the client's trace (same trace id and flags, a
 * new span id) or, when the client sent none or an invalid one, a new sampled trace.
 */
export function childTraceparent(incoming: string | undefined): string {
  const parent = parseTraceparent(incoming);
  const traceId = parent?.traceId ?? nonZeroHex(16);
  const flags = parent?.flags ?? '01';
  return `00-${traceId}-${nonZeroHex(8)}-${flags}`;
}
