import { CircuitBreaker, type CircuitState } from './circuit-breaker';
import { CircuitOpenError } from './upstream.errors';

describe(CircuitBreaker.name, () => {
  let now: number;
  let changes: CircuitState[];
  let sut: CircuitBreaker;

  beforeEach(() => {
    now = 1_000_000;
    changes = [];
    sut = new CircuitBreaker(
      { failureThreshold: 3, openMs: 2_500, halfOpenProbes: 2 },
      (state) => changes.push(state),
      () => now,
    );
  });

  const fail = (times: number) => {
    for (let i = 0; i < times; i += 1) sut.acquire().failure();
  };

  it('opens after the threshold of consecutive failures; a success in between resets the count', () => {
    fail(2);
    sut.acquire().success();
    fail(2);
    expect(sut.state).toBe('closed');
    fail(1);
    expect(sut.state).toBe('open');
    expect(changes).toEqual(['open']);
  });

  it('fails fast while open, with Retry-After rounded up to the seconds until half-open', () => {
    fail(3);
    now += 1_000;
    const error = (() => {
      try {
        sut.acquire();
      } catch (e) {
        return e as CircuitOpenError;
      }
      throw new Error('admitted while open');
    })();
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect(error.retryAfterSeconds).toBe(2);
    expect(error.headers['Retry-After']).toBe('2');
  });

  it('lets at most halfOpenProbes probes through after openMs, and closes after that many successes', () => {
    fail(3);
    now += 2_500;
    const first = sut.acquire();
    const second = sut.acquire();
    expect(sut.state).toBe('half-open');
    expect(() => sut.acquire()).toThrow(CircuitOpenError);
    first.success();
    expect(sut.state).toBe('half-open');
    second.success();
    expect(sut.state).toBe('closed');
    expect(changes).toEqual(['open', 'half-open', 'closed']);
  });

  it('opens again on the first failed probe, for a full openMs', () => {
    fail(3);
    now += 2_500;
    sut.acquire().failure();
    expect(sut.state).toBe('open');
    now += 2_000;
    expect(() => sut.acquire()).toThrow(CircuitOpenError);
    now += 500;
    expect(sut.state).toBe('half-open');
  });

  it('frees a probe slot on cancel without counting an outcome', () => {
    fail(3);
    now += 2_500;
    sut.acquire().cancel();
    sut.acquire().cancel();
    const probe = sut.acquire();
    probe.success();
    expect(sut.state).toBe('half-open');
  });

  it('ignores late outcomes of calls admitted before the circuit opened', () => {
    const slow = sut.acquire();
    fail(3);
    now += 2_500;
    expect(sut.state).toBe('half-open');
    slow.success();
    slow.success();
    expect(sut.state).toBe('half-open');
    const probe = sut.acquire();
    probe.failure();
    probe.success(); // second settlement of one permit is ignored
    expect(sut.state).toBe('open');
  });
});
