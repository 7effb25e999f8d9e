import { Cancellation } from './cancellation';

describe('Cancellation', () => {
  it('is not aborted and has no reason until aborted; the first abort wins', () => {
    const cancellation = new Cancellation();
    expect(cancellation.aborted).toBe(false);
    expect(cancellation.reason).toBeUndefined();
    cancellation.abort('deadline');
    cancellation.abort('client');
    expect(cancellation.aborted).toBe(true);
    expect(cancellation.reason).toBe('deadline');
  });

  it('runs every listener once, in order, with the reason', () => {
    const cancellation = new Cancellation();
    const seen: string[] = [];
    cancellation.onAbort((reason) => seen.push(`a:${String(reason)}`));
    cancellation.onAbort((reason) => seen.push(`b:${String(reason)}`));
    cancellation.abort('x');
    cancellation.abort('y');
    expect(seen).toEqual(['a:x', 'b:x']);
  });

  it('runs a listener added after the abort at once', () => {
    const cancellation = new Cancellation();
    cancellation.abort('late');
    const listener = jest.fn();
    cancellation.onAbort(listener)();
    expect(listener).toHaveBeenCalledWith('late');
  });

  it('does not run a removed listener, and keeps the others', () => {
    const cancellation = new Cancellation();
    const removed = jest.fn();
    const kept = jest.fn();
    const remove = cancellation.onAbort(removed);
    cancellation.onAbort(kept);
    remove();
    remove();
    cancellation.abort('x');
    expect(removed).not.toHaveBeenCalled();
    expect(kept).toHaveBeenCalledTimes(1);
  });

  it("aborts a child with the parent's reason, while a child's own abort leaves the parent alone", () => {
    const parent = new Cancellation();
    const first = parent.child();
    first.abort('first-byte');
    expect(parent.aborted).toBe(false);
    const second = parent.child();
    parent.abort('deadline');
    expect(first.reason).toBe('first-byte');
    expect(second.reason).toBe('deadline');
    expect(parent.child().reason).toBe('deadline');
  });

  it('gives an AbortSignal that follows it with the same reason, before or after the abort', () => {
    const early = new Cancellation();
    const signal = early.signal;
    expect(signal.aborted).toBe(false);
    const reason = Symbol('why');
    early.abort(reason);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe(reason);

    const late = new Cancellation();
    late.abort(reason);
    expect(late.signal.aborted).toBe(true);
    expect(late.signal.reason).toBe(reason);
    expect(late.signal).toBe(late.signal);
  });
});
