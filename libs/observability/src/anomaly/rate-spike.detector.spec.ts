import { DEFAULT_THRESHOLDS } from './anomaly.types';
import { RateSpikeDetector } from './rate-spike.detector';
import { poissonTraffic, seededRandom } from './synthetic-traffic.testing';

const DAY_SECONDS = 86_400;
const START = Date.UTC(2026, 0, 5, 0, 0, 0);

describe(RateSpikeDetector.name, () => {
  const thresholds = { ...DEFAULT_THRESHOLDS, spikeFactor: 5 };

  /** Feeds traffic; returns the instants (ms) at which a spike was flagged. */
  const run = (sut: RateSpikeDetector, startMs: number, seconds: number, rate: (s: number) => number, seed: number): number[] => {
    const flagged: number[] = [];
    poissonTraffic(startMs, seconds, rate, seededRandom(seed), (at) => {
      if (sut.record('client', at)) flagged.push(at);
    });
    return flagged;
  };

  it('flags a 10x spike within seconds of its start', () => {
    const sut = new RateSpikeDetector(thresholds);
    expect(run(sut, START, 600, () => 20, 1)).toEqual([]);
    const spikeStart = START + 600_000;
    const flagged = run(sut, spikeStart, 30, () => 200, 2);
    expect(flagged.length).toBeGreaterThanOrEqual(1);
    expect(flagged[0] - spikeStart).toBeLessThan(4_000);
  });

  it('alerts once per spike, not once per request', () => {
    const sut = new RateSpikeDetector(thresholds);
    run(sut, START, 600, () => 20, 3);
    expect(run(sut, START + 600_000, 30, () => 200, 4)).toHaveLength(1);
  });

  it.each([
    ['a constant 20 requests/s', () => 20],
    ['a constant 2 requests/s', () => 2],
    ['a daily cycle between 5 and 60 requests/s', (s: number) => 32.5 - 27.5 * Math.cos((2 * Math.PI * s) / DAY_SECONDS)],
  ])('does not flag a simulated day of Poisson traffic at %s', (_name, rate) => {
    const sut = new RateSpikeDetector(thresholds);
    expect(run(sut, START, DAY_SECONDS, rate, 42)).toEqual([]);
  });

  it('does not flag a new client during its warm-up, however fast it starts', () => {
    const sut = new RateSpikeDetector(thresholds);
    expect(run(sut, START, thresholds.warmupSeconds, () => 100, 5)).toEqual([]);
  });

  it('does not flag a client back at its usual rate after a quiet night', () => {
    const sut = new RateSpikeDetector(thresholds);
    expect(run(sut, START, 3_600, () => 30, 6)).toEqual([]);
    expect(run(sut, START + 3_600_000 + 8 * 3_600_000, 3_600, () => 30, 7)).toEqual([]);
  });

  it('does not flag a slow client that doubles: below the absolute floor', () => {
    const sut = new RateSpikeDetector(thresholds);
    run(sut, START, 600, () => 0.5, 8);
    expect(run(sut, START + 600_000, 60, () => 5, 9)).toEqual([]);
  });

  it('keeps its state bounded: the least recently seen clients are forgotten', () => {
    const sut = new RateSpikeDetector({ ...thresholds, maxTrackedClients: 3 });
    for (let i = 0; i < 1_000; i += 1) sut.record(`client-${i}`, START + i);
    expect((sut as unknown as { states: { size: number } }).states.size).toBe(3);
  });
});
