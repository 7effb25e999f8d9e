import { AuditChain } from './audit-chain';
import { canonicalForm, GENESIS_HASH, hashEvent, type HashedFields } from './canonical-event';

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
});
