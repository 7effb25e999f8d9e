import { validateOptions } from '@infergate/common';
import { InferenceModuleOptions } from '../../inference.options';
import { IdempotencyKeyInFlightError, IdempotencyKeyReusedError, InvalidIdempotencyKeyError } from './idempotency.errors';
import { IdempotencyService } from './idempotency.service';
import type { IdempotencyStore, StoredResponse } from './idempotency.types';
import { MemoryIdempotencyStore } from './memory-idempotency.store';

describe(IdempotencyService.name, () => {
  const config = validateOptions(InferenceModuleOptions, {}, 'inference');
  let sut: IdempotencyService;
  let upstreamCalls: number;
  const answer =
    (status = 200) =>
    (): Promise<StoredResponse> => {
      upstreamCalls += 1;
      return Promise.resolve({
        status,
        headers: { 'content-type': 'application/json', 'x-upstream-secret': 'no' },
        body: Buffer.from(`{"n":${upstreamCalls}}`),
      });
    };

  beforeEach(() => {
    upstreamCalls = 0;
    sut = new IdempotencyService(new MemoryIdempotencyStore(), config);
  });

  it('replays the first response for the same key and body, with one upstream call', async () => {
    const first = await sut.run({ subject: 'app-1', key: 'k1', body: '{"x":1}' }, answer());
    const second = await sut.run({ subject: 'app-1', key: 'k1', body: Buffer.from('{"x":1}') }, answer());
    expect(upstreamCalls).toBe(1);
    expect(first.replayed).toBe(false);
    expect(second).toEqual({
      replayed: true,
      response: { status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from('{"n":1}') },
    });
  });

  it('refuses the same key with a different body (422) without calling upstream', async () => {
    await sut.run({ subject: 'app-1', key: 'k1', body: '{"x":1}' }, answer());
    await expect(sut.run({ subject: 'app-1', key: 'k1', body: '{"x":2}' }, answer())).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
    expect(upstreamCalls).toBe(1);
  });

  it('refuses the same key and body sent to another scope (model or route) as a reused key', async () => {
    await sut.run({ subject: 'app-1', key: 'k1', body: '{}', scope: 'POST /v1/models/a/infer' }, answer());
    await expect(sut.run({ subject: 'app-1', key: 'k1', body: '{}', scope: 'POST /v1/models/b/infer' }, answer())).rejects.toBeInstanceOf(
      IdempotencyKeyReusedError,
    );
    expect(upstreamCalls).toBe(1);
  });

  it('scopes keys to the principal: another subject with the same key gets its own call', async () => {
    await sut.run({ subject: 'app-1', key: 'k1', body: '{}' }, answer());
    const other = await sut.run({ subject: 'app-2', key: 'k1', body: '{}' }, answer());
    expect(other.replayed).toBe(false);
    expect(upstreamCalls).toBe(2);
  });

  it('refuses a concurrent duplicate with 409 while the first is in flight', async () => {
    let finish!: () => void;
    const slow = () =>
      new Promise<StoredResponse>((resolve) => {
        upstreamCalls += 1;
        finish = () => resolve({ status: 200, headers: {}, body: Buffer.from('{}') });
      });
    const first = sut.run({ subject: 's', key: 'k', body: '{}' }, slow);
    await new Promise((resolve) => setImmediate(resolve));
    const duplicate = await sut.run({ subject: 's', key: 'k', body: '{}' }, answer()).catch((error: unknown) => error);
    expect(duplicate).toBeInstanceOf(IdempotencyKeyInFlightError);
    expect((duplicate as IdempotencyKeyInFlightError).headers['Retry-After']).toBe('1');
    finish();
    await first;
    expect(upstreamCalls).toBe(1);
  });

  it('does not keep a failure: after a thrown error or a 5xx the same key calls upstream again', async () => {
    await expect(
      sut.run({ subject: 's', key: 'k', body: '{}' }, () => {
        upstreamCalls += 1;
        return Promise.reject(new Error('boom'));
      }),
    ).rejects.toThrow('boom');
    await sut.run({ subject: 's', key: 'k', body: '{}' }, answer(503));
    const third = await sut.run({ subject: 's', key: 'k', body: '{}' }, answer(200));
    const fourth = await sut.run({ subject: 's', key: 'k', body: '{}' }, answer(200));
    expect(upstreamCalls).toBe(3);
    expect(third.replayed).toBe(false);
    expect(fourth.replayed).toBe(true);
  });

  it('answers 503 when the store is unreachable, without calling upstream', async () => {
    const broken: IdempotencyStore = {
      claim: () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:6379'), { code: 'ECONNREFUSED' })),
      complete: () => Promise.resolve(),
      release: () => Promise.resolve(),
    };
    const failing = new IdempotencyService(broken, config);
    const error = await failing.run({ subject: 's', key: 'k', body: '{}' }, answer()).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 503 });
    expect(JSON.stringify(error) + String((error as Error).message)).not.toContain('10.0.0.5');
    expect(upstreamCalls).toBe(0);
  });

  describe('parseKey', () => {
    it.each([['abc'], ['"quoted-key"'], ['8e03978e-40d5-43e8-bc93-6894a57f9324']])('accepts %s', (value) => {
      expect(IdempotencyService.parseKey(value)).toBe(value.replace(/"/g, ''));
    });

    it.each([[''], ['has space'], ['x'.repeat(256)], ['naïve'], [['a', 'b']]])('refuses %j with 400', (value) => {
      expect(() => IdempotencyService.parseKey(value)).toThrow(InvalidIdempotencyKeyError);
    });

    it('returns undefined when the header is absent', () => {
      expect(IdempotencyService.parseKey(undefined)).toBeUndefined();
    });
  });
});
