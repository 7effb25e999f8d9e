import { childTraceparent, parseTraceparent } from './trace-context';

describe('trace context', () => {
  const valid = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

  it('parses a valid traceparent and refuses invalid ones', () => {
    expect(parseTraceparent(valid)).toEqual({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', parentId: '00f067aa0ba902b7', flags: '01' });
    for (const invalid of [
      '',
      'garbage',
      '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
      '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01',
      'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01',
      '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra',
    ]) {
      expect(parseTraceparent(invalid)).toBeUndefined();
    }
  });

  it('continues the client trace with a new span id', () => {
    const child = childTraceparent(valid);
    const parsed = parseTraceparent(child);
    expect(parsed?.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(parsed?.flags).toBe('01');
    expect(parsed?.parentId).not.toBe('00f067aa0ba902b7');
  });

  it('starts a new valid trace when the client sent none or an invalid one', () => {
    const a = parseTraceparent(childTraceparent(undefined));
    const b = parseTraceparent(childTraceparent('00-zz'));
    expect(a).toBeDefined();
    expect(b).toBeDefined();
    expect(a?.traceId).not.toBe(b?.traceId);
  });

  it('never repeats an id across many calls (the random pool is consumed, then refilled)', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 2_000; i++) ids.add(parseTraceparent(childTraceparent(undefined))!.traceId);
    expect(ids.size).toBe(2_000);
  });
});
