/** Deterministic pseudo-random numbers (mulberry32), so that a synthetic day is the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A Poisson-distributed count with mean `lambda` (Knuth; fine for the rates used here). */
export function poisson(lambda: number, random: () => number): number {
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = random();
  while (p > limit) {
    k += 1;
    p *= random();
  }
  return k;
}

/**
 * Calls `each(timeMs)` for every request of Poisson traffic at `ratePerSecond(second)` requests per
 * second from `startMs` for `seconds` seconds: a Poisson count per second, spread over the second.
 */
export function poissonTraffic(
  startMs: number,
  seconds: number,
  ratePerSecond: (second: number) => number,
  random: () => number,
  each: (timeMs: number) => void,
): void {
  for (let second = 0; second < seconds; second += 1) {
    const count = poisson(ratePerSecond(second), random);
    const base = startMs + second * 1000;
    for (let i = 0; i < count; i += 1) each(base + Math.floor((i * 1000) / count));
  }
}
