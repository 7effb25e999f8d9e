import pino, { type DestinationStream, type Logger } from 'pino';
import { pinoOptions } from './log-redaction';

/** The gateway's two pino loggers, writing to one destination. */
export interface GatewayLoggers {
  /** Application logs: anything a module passes, so credentials and bodies are redacted by path. */
  readonly app: Logger;
  /**
   * One line per finished request. Its fields are chosen one by one (see access-log.ts) and never
   * hold a credential or body, so it skips the redaction pass the application logger needs.
   */
  readonly access: Logger;
}

/** Pending log output beyond which lines are dropped rather than held: a stalled stdout cannot eat memory. */
const MAX_BUFFERED_LOG_BYTES = 16 * 1024 * 1024;

/**
 * stdout written asynchronously: lines queue while a write is in flight and go out together, instead
 * of one blocking write(2) per line on the request path. pino registers a synchronous flush on exit,
 * so lines written before process.exit are not lost.
 */
export function stdoutDestination(): DestinationStream {
  return pino.destination({ dest: 1, sync: false, maxLength: MAX_BUFFERED_LOG_BYTES });
}

export function createGatewayLoggers(level: string, destination: DestinationStream = stdoutDestination()): GatewayLoggers {
  const app = pino(pinoOptions(level), destination);
  const accessOptions = pinoOptions(level);
  delete accessOptions.redact;
  return { app, access: pino(accessOptions, destination) };
}
