/**
 * Mock KServe Open Inference Protocol v2 model server for the benchmark: answers every
 * POST /v2/models/<name>[/versions/<v>]/infer with the same small JSON, after reading the body.
 * Runs in its own process (no cluster) so it never shares the event loop of what is measured.
 *
 *   node mock-upstream.js <port> <response.json>   (prints "listening <port>" once ready; 127.0.0.1 only)
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { listenForHarness } from './listen';

const [port, responseFile] = [Number(process.argv[2] ?? 0), process.argv[3]];
// The fixed answer both mocks (Node and nginx) return, compacted.
const body = Buffer.from(JSON.stringify(JSON.parse(readFileSync(responseFile, 'utf8'))));
const json = { 'content-type': 'application/json', 'content-length': String(body.length) };
const ready = Buffer.from('{}');

const server = createServer((req, res) => {
  const url = req.url ?? '/';
  // Drain the request body before answering, as a real model server would.
  req.on('data', () => undefined);
  req.on('end', () => {
    if (req.method === 'POST' && url.startsWith('/v2/models/') && url.endsWith('/infer')) {
      res.writeHead(200, json);
      res.end(body);
    } else if (req.method === 'GET' && url.startsWith('/v2/')) {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '2' });
      res.end(ready);
    } else {
      res.writeHead(404, { 'content-length': '0' });
      res.end();
    }
  });
});
listenForHarness(server, port);
