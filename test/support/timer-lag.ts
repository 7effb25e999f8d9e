/**
 * The longest lateness of a 10 ms interval timer from now until stop(): how long this process could
 * not run timers at all (a loaded CI machine, a GC pause). Timing assertions add it to their bound.
 */
export function timerLag(): { stop(): number } {
  let worst = 0;
  let expected = performance.now() + 10;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - expected);
    expected = now + 10;
  }, 10);
  return {
    stop: () => {
      clearInterval(timer);
      return worst;
    },
  };
}
