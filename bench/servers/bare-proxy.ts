/**
 * The bare Node proxy (target 3): node:http in, undici Pool out, nothing else. The ceiling for any
 * Node.js gateway on this machine; infergate's ratios are measured against it.
 *
 *   node bare-proxy.js <port> <upstream origin>   (prints "listening <port>"; 127.0.0.1 only)
 */
import { createServer } from 'node:http';
import { Pool } from 'undici';
import { listenForHarness } from './listen';

const [port, origin] = [Number(process.argv[2] ?? 0), process.argv[3]];
// Same pool shape as the gateway's pass-through route (bench/gateway/passthrough.module.ts).
const pool = new Pool(origin, { connections: 64, pipelining: 1, keepAliveTimeout: 60_000 });

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    pool
      .request({
        method: 'POST',
        path: req.url ?? '/',
        headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
        body: Buffer.concat(chunks),
      })
      .then(async ({ statusCode, headers, body }) => {
        const payload = Buffer.from(await body.arrayBuffer());
        res.writeHead(statusCode, { 'content-type': headers['content-type'] ?? 'application/json', 'content-length': payload.length });
        res.end(payload);
      })
      .catch(() => {
        res.writeHead(502, { 'content-length': '0' });
        res.end();
      });
  });
});
listenForHarness(server, port, () => pool.close());
