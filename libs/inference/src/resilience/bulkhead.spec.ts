import { Bulkhead } from './bulkhead';
import { BulkheadFullError, withoutStack } from './upstream.errors';

describe(Bulkhead.name, () => {
  it('admits up to the limit, refuses the next at once, and admits again after a release', () => {
    const seen: number[] = [];
    const sut = new Bulkhead(2, (inFlight) => seen.push(inFlight));
    const a = sut.enter();
    sut.enter();
    expect(() => sut.enter()).toThrow(BulkheadFullError);
    a();
    a(); // releasing twice frees one slot only
    sut.enter();
    expect(() => sut.enter()).toThrow(BulkheadFullError);
    expect(seen).toEqual([1, 2, 1, 2]);
    expect(sut.active).toBe(2);
  });

  it('answers 503 upstream-busy with Retry-After: 1', () => {
    const sut = new Bulkhead(0);
    expect(() => sut.enter()).toThrow(
      expect.objectContaining({ status: 503, type: 'urn:infergate:problem:upstream-busy', headers: { 'Retry-After': '1' } }),
    );
  });
});

describe('withoutStack', () => {
  it('builds the refusal without stack frames and restores the stack limit, even when construction throws', () => {
    const limit = Error.stackTraceLimit;
    const error = withoutStack(() => new BulkheadFullError());
    expect(error.stack?.split('\n').filter((line) => line.trim().startsWith('at '))).toEqual([]);
    expect(() =>
      withoutStack(() => {
        throw new Error('construction failed');
      }),
    ).toThrow('construction failed');
    expect(Error.stackTraceLimit).toBe(limit);
  });
});
