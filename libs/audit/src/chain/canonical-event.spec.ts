import fc from 'fast-check';
import { createHash } from 'node:crypto';
import type { AuditEventInput } from '../audit-event';
import type { AuditEventEntity } from '../audit-event.entity';
import { AuditChain } from './audit-chain';
import { canonicalForm, GENESIS_HASH, hashEvent, type HashedFields } from './canonical-event';

// ---------------------------------------------------------------------------------------------
// The oracle: the generic implementation the canonical form, its hash and the chain's cleaning were
// first written as, kept here verbatim. Every stored hash was computed by it; the specialised code in
// canonical-event.ts and audit-chain.ts must agree with it byte for byte, on every input.
// ---------------------------------------------------------------------------------------------

function oracleStableJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(oracleStableJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, member]) => member !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, member]) => `${JSON.stringify(key)}:${oracleStableJson(member)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function oracleCanonicalForm(event: HashedFields): string {
  return oracleStableJson({
    action: event.action,
    actorId: event.actorId,
    actorType: event.actorType,
    chain: event.chain,
    details: event.details,
    id: event.id,
    occurredAt: event.occurredAt.toISOString(),
    orgId: event.orgId,
    outcome: event.outcome,
    prevHash: event.prevHash,
    reason: event.reason,
    requestId: event.requestId,
    resourceId: event.resourceId,
    resourceType: event.resourceType,
    seq: event.seq,
  });
}

function oracleHash(event: HashedFields): string {
  return createHash('sha256').update(oracleCanonicalForm(event), 'utf8').digest('hex');
}

function oracleFit(value: string, max: number): string {
  const clean = String(value)
    .replaceAll('\u0000', '')
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
  if (clean.length <= max) return clean;
  return Array.from(clean).slice(0, max).join('');
}

function oracleFitOrNull(value: string | undefined | null, max: number): string | null {
  return value === undefined || value === null ? null : oracleFit(value, max);
}

function oracleCleanDetails(details: AuditEventInput['details']): AuditEventEntity['details'] {
  if (!details) return null;
  const clean: Record<string, string | number | boolean | null> = {};
  for (const [key, value] of Object.entries(details)) {
    if (value === undefined) continue;
    clean[oracleFit(key, 128)] =
      typeof value === 'string' ? oracleFit(value, 4096) : typeof value === 'number' && !Number.isFinite(value) ? null : value;
  }
  return clean;
}

/** The fields the chain stores for an input, as the first implementation computed them. */
function oracleFields(event: AuditEventInput): Omit<HashedFields, 'id' | 'occurredAt' | 'chain' | 'seq' | 'prevHash'> {
  return {
    actorType: oracleFit(event.actor.type, 32) as AuditEventEntity['actorType'],
    actorId: oracleFitOrNull(event.actor.id, 255),
    orgId: oracleFitOrNull(event.orgId, 64),
    action: oracleFit(event.action, 128),
    resourceType: oracleFitOrNull(event.resource?.type, 64),
    resourceId: oracleFitOrNull(event.resource?.id, 255),
    outcome: oracleFit(event.outcome, 16) as AuditEventEntity['outcome'],
    reason: oracleFitOrNull(event.reason, 255),
    requestId: oracleFitOrNull(event.requestId, 128),
    details: oracleCleanDetails(event.details),
  };
}

// ---------------------------------------------------------------------------------------------
// Arbitraries: mostly ordinary text (so that the fast paths are taken), mixed with everything the
// slow paths exist for: NUL, quotes, backslashes, control characters, lone and paired surrogates,
// astral and non-Latin characters, integer-like and prototype-ish keys, NaN, ±Infinity and -0.
// ---------------------------------------------------------------------------------------------

const awkwardUnit = fc.oneof(
  fc.constantFrom('\u0000', '"', '\\', '\n', '\u001f', '\u007f', '\u2028', '\uD800', '\uDBFF', '\uDC00', '\uDFFF', '😀', 'é', '\uFFFD'),
  fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }),
);
const text = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: awkwardUnit, maxLength: 40 }) },
  // Longer than the column widths, to exercise the cuts (code points, not UTF-16 units).
  { weight: 1, arbitrary: fc.string({ unit: fc.oneof(awkwardUnit, fc.constant('x')), minLength: 10, maxLength: 300 }) },
);
const detailKey = fc.oneof(
  text,
  fc.constantFrom('10', '9', '0', '01', '-1', '4294967295', '__proto__', 'constructor', '', 'a', 'B', 'é', '😀'),
);
const number = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(0, -0, Number.NaN, Infinity, -Infinity, 1e21, 5e-324));
const primitive = fc.oneof(text, number, fc.boolean(), fc.constant(null), fc.constant(undefined));
const flatDetails = fc.dictionary(detailKey, primitive, { maxKeys: 8 });
/** What a tampered row's details column could parse to. */
const anyJson = fc.oneof(fc.dictionary(detailKey, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 }), fc.jsonValue({ maxDepth: 3 }));
const nullable = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: null });
/** A field left undefined (now and then): the generic form leaves such keys out. */
const maybeUndefined = <T>(arbitrary: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 30, arbitrary }, { weight: 1, arbitrary: fc.constant(undefined as unknown as T) });
/** Any date, and many within one second (the ISO prefix of a second is cached). */
const SECOND = Date.UTC(2026, 2, 4, 5, 6, 7);
const anyDate = fc.oneof(
  fc.date({ noInvalidDate: true }),
  fc.integer({ min: 0, max: 999 }).map((millis) => new Date(SECOND + millis)),
  fc.integer({ min: -999, max: 999 }).map((millis) => new Date(millis)),
);

const hashedFields: fc.Arbitrary<HashedFields> = fc.record({
  id: maybeUndefined(text),
  occurredAt: anyDate,
  actorType: maybeUndefined(text),
  actorId: maybeUndefined(nullable(text)),
  orgId: maybeUndefined(nullable(text)),
  action: maybeUndefined(text),
  resourceType: maybeUndefined(nullable(text)),
  resourceId: maybeUndefined(nullable(text)),
  outcome: maybeUndefined(text),
  reason: maybeUndefined(nullable(text)),
  requestId: maybeUndefined(nullable(text)),
  details: maybeUndefined(nullable(fc.oneof({ weight: 3, arbitrary: flatDetails }, { weight: 1, arbitrary: anyJson }))),
  chain: maybeUndefined(nullable(text)),
  seq: maybeUndefined(nullable(number)),
  prevHash: maybeUndefined(nullable(text)),
}) as fc.Arbitrary<HashedFields>;

const auditInput: fc.Arbitrary<AuditEventInput> = fc.record(
  {
    action: text,
    outcome: text as fc.Arbitrary<AuditEventInput['outcome']>,
    actor: fc.record({ type: text as fc.Arbitrary<AuditEventInput['actor']['type']>, id: text }, { requiredKeys: ['type'] }),
    orgId: text,
    resource: fc.record({ type: text, id: text }, { requiredKeys: ['type'] }),
    reason: text,
    requestId: text,
    details: flatDetails as fc.Arbitrary<AuditEventInput['details']>,
    occurredAt: anyDate,
  },
  { requiredKeys: ['action', 'outcome', 'actor'] },
);

const base: HashedFields = {
  id: '00000000-0000-4000-8000-000000000001',
  occurredAt: new Date('2026-03-04T05:06:07.089Z'),
  actorType: 'application',
  actorId: 'app-1',
  orgId: 'org-1',
  action: 'auth.token.issued',
  resourceType: 'Token',
  resourceId: 'jti-1',
  outcome: 'success',
  reason: null,
  requestId: 'req-1',
  details: { b: 2, a: 'one' },
  chain: 'chain-1',
  seq: 7,
  prevHash: 'f'.repeat(64),
};

describe('canonical event form', () => {
  it('is sorted-key JSON of every stored field, with the time in ISO 8601 UTC', () => {
    expect(canonicalForm(base)).toBe(
      '{"action":"auth.token.issued","actorId":"app-1","actorType":"application","chain":"chain-1","details":{"a":"one","b":2},' +
        '"id":"00000000-0000-4000-8000-000000000001","occurredAt":"2026-03-04T05:06:07.089Z","orgId":"org-1","outcome":"success",' +
        `"prevHash":"${'f'.repeat(64)}","reason":null,"requestId":"req-1","resourceId":"jti-1","resourceType":"Token","seq":7}`,
    );
  });

  it('does not depend on the order details were written in', () => {
    expect(hashEvent({ ...base, details: { a: 'one', b: 2 } })).toBe(hashEvent(base));
  });

  it.each([
    ['id', '00000000-0000-4000-8000-000000000002'],
    ['occurredAt', new Date('2026-03-04T05:06:07.090Z')],
    ['actorType', 'user'],
    ['actorId', 'app-2'],
    ['orgId', null],
    ['action', 'auth.token.revoked'],
    ['resourceType', 'ApiKey'],
    ['resourceId', 'jti-2'],
    ['outcome', 'failure'],
    ['reason', 'x'],
    ['requestId', null],
    ['details', { a: 'one', b: 3 }],
    ['chain', 'chain-2'],
    ['seq', 8],
    ['prevHash', 'e'.repeat(64)],
  ] as const)('changes when %s changes', (field, value) => {
    const changed: HashedFields = { ...base, [field]: value };
    expect(hashEvent(changed)).not.toBe(hashEvent(base));
  });
});

describe('canonical event form, against the generic implementation it replaced', () => {
  it('is the same string, and the same hash, for arbitrary events', () => {
    fc.assert(
      fc.property(hashedFields, (event) => {
        expect(canonicalForm(event)).toBe(oracleCanonicalForm(event));
        expect(hashEvent(event)).toBe(oracleHash(event));
      }),
      { numRuns: 3000 },
    );
  });

  it('throws for an invalid date, as toISOString does', () => {
    expect(() => canonicalForm({ ...base, occurredAt: new Date(Number.NaN) })).toThrow(RangeError);
  });

  it('keeps verifying hashes written by the earlier implementation', () => {
    // Rows and hashes as the implementation before this one stored them (awkward content on purpose).
    const first: HashedFields = {
      id: '00000000-0000-4000-8000-0000000000a1',
      occurredAt: new Date('2026-03-04T05:06:07.089Z'),
      actorType: 'application',
      actorId: 'app-"quoted"\\back\nslash',
      orgId: 'org-ü-😀',
      action: 'model.infer',
      resourceType: 'ModelVersion',
      resourceId: 'lone-\uFFFD-high',
      outcome: 'success',
      reason: null,
      requestId: 'req--nul',
      details: { '9': 'nine', '10': 'ten', zeta: 1.5, Alpha: true, é: null, inf: null, nan: null, emoji: '😀\uFFFD' },
      chain: 'golden-chain',
      seq: 1,
      prevHash: GENESIS_HASH,
    };
    expect(hashEvent(first)).toBe('34903f8c78775b32b1d2387f8cabe07e40adcd04fbbe0367934d9fd81ae619d8');
    const second: HashedFields = {
      ...first,
      id: '00000000-0000-4000-8000-0000000000a2',
      occurredAt: new Date('1969-12-31T23:59:59.999Z'),
      actorType: 'anonymous',
      actorId: null,
      orgId: null,
      action: 'auth.token.issued',
      resourceType: null,
      resourceId: null,
      outcome: 'denied',
      requestId: null,
      details: null,
      seq: 2,
      prevHash: '34903f8c78775b32b1d2387f8cabe07e40adcd04fbbe0367934d9fd81ae619d8',
    };
    expect(hashEvent(second)).toBe('eaa0661629356faf042cc70a9e168f686c1056c681c00c2a50e809db356692d6');
  });
});

describe(AuditChain.name, () => {
  it('numbers events from 1 and links each to the hash of the one before, starting from the genesis hash', () => {
    const chain = new AuditChain('c');
    const first = chain.append({ action: 'a', outcome: 'success', actor: { type: 'system' } });
    const second = chain.append({ action: 'b', outcome: 'success', actor: { type: 'system' } });
    expect(first).toMatchObject({ chain: 'c', seq: 1, prevHash: GENESIS_HASH });
    expect(second).toMatchObject({ chain: 'c', seq: 2, prevHash: first.hash });
    expect(first.hash).toBe(hashEvent(first));
    expect(second.hash).toBe(hashEvent(second));
  });

  it('gives every process its own chain id', () => {
    expect(new AuditChain().id).not.toBe(new AuditChain().id);
  });

  it('stores and hashes exactly what the first implementation did, for arbitrary input', () => {
    const chainId = fc.oneof({ weight: 4, arbitrary: fc.constant('lq3kx2a-0123456789abcdef') }, { weight: 1, arbitrary: text });
    const eventId = fc.oneof({ weight: 4, arbitrary: fc.uuid() }, { weight: 1, arbitrary: text });
    fc.assert(
      fc.property(chainId, fc.array(fc.tuple(auditInput, eventId), { minLength: 1, maxLength: 3 }), (id, events) => {
        const chain = new AuditChain(id);
        let prevHash = GENESIS_HASH;
        events.forEach(([input, eventId], index) => {
          const row = chain.append(input, eventId);
          expect(row).toEqual({
            id: eventId,
            occurredAt: input.occurredAt ?? expect.any(Date),
            ...oracleFields(input),
            chain: id,
            seq: index + 1,
            prevHash,
            hash: oracleHash(row),
          });
          // Same shape as before (the spool writes rows as JSON): every field, the hash last.
          expect(Object.keys(row)).toEqual([
            'id',
            'occurredAt',
            'actorType',
            'actorId',
            'orgId',
            'action',
            'resourceType',
            'resourceId',
            'outcome',
            'reason',
            'requestId',
            'details',
            'chain',
            'seq',
            'prevHash',
            'hash',
          ]);
          prevHash = oracleHash(row);
        });
      }),
      { numRuns: 2000 },
    );
  });

  it('hashes an inference event as the earlier implementation did', () => {
    const chain = new AuditChain('lq3kx2a-0123456789abcdef');
    const row = chain.append(
      {
        actor: { type: 'application', id: 'app-bench' },
        orgId: 'org-bench',
        action: 'model.infer',
        resource: { type: 'ModelVersion', id: 'version-bench' },
        outcome: 'success',
        requestId: 'req-1',
        details: { model: 'credit-risk', version: 1, status: 200, durationMs: 1.25, inputDigest: 'sha256:abc', upstream: 'kserve-v2' },
        occurredAt: new Date('2026-03-04T05:06:07.009Z'),
      },
      '00000000-0000-4000-8000-0000000000b1',
    );
    expect(row.hash).toBe('8f6bf6744c8fc5ad711c94d01f2151bff321a357e0e7d318cd1472a23c1320d8');
  });

  it('keeps its own copy of the date and details it was given', () => {
    const occurredAt = new Date('2026-03-04T05:06:07.089Z');
    const details: Record<string, string | number> = { a: 1 };
    const row = new AuditChain('c').append({ action: 'a', outcome: 'success', actor: { type: 'system' }, occurredAt, details });
    occurredAt.setTime(0);
    details.a = 2;
    expect(row.occurredAt.toISOString()).toBe('2026-03-04T05:06:07.089Z');
    expect(row.details).toEqual({ a: 1 });
    expect(row.hash).toBe(hashEvent(row));
  });
});
