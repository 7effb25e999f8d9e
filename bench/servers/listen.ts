import type { Server } from 'node:http';

/**
 * How every bench server runs: long keep-alive (wrk holds its connections for the whole load),
 * 127.0.0.1 only, "listening <port>" on stdout once ready (the harness waits for it), and on SIGTERM
 * `close` then exit.
 */
export function listenForHarness(server: Server, port: number, close: () => Promise<unknown> = () => Promise.resolve()): void {
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 125_000;
  server.listen(port, '127.0.0.1', () => {
    const address = server.address();
    console.log(`listening ${typeof address === 'object' && address ? address.port : port}`);
  });
  process.on('SIGTERM', () => void close().finally(() => process.exit(0)));
}
