import { Writable } from 'node:stream';

export interface LogCapture {
  /** The sink to hand a logger. */
  stream: Writable;
  /** Everything written so far. */
  raw: () => string;
  /** What was written so far, one parsed JSON object per line. */
  lines: () => Record<string, unknown>[];
}

/** An in-memory sink for the gateway's JSON log lines, for the logging specs. */
export function captureLog(): LogCapture {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return {
    stream,
    raw: () => text,
    lines: () =>
      text
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
