import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, waitForOk } from './ports';
import { startProcess, StartedProcess } from './processes';
import { nginxBinary } from './wrk';

/**
 * Debian's nginx, configured by the harness in a temporary prefix: one worker, no access log,
 * `daemon off` so that it stays the harness's child (stopped with its process group).
 */
export interface NginxInstance {
  process: StartedProcess;
  port: number;
  url: string;
}

function config(prefix: string, port: number, location: string, httpExtra = ''): string {
  const temp = (name: string) => `${name}_temp_path ${join(prefix, name)};`;
  return `daemon off;
master_process on;
worker_processes 1;
pid ${join(prefix, 'nginx.pid')};
error_log ${join(prefix, 'error.log')} warn;
events { worker_connections 4096; }
http {
  access_log off;
  ${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(temp).join('\n  ')}
  keepalive_requests 10000000;
  keepalive_timeout 120s;
  ${httpExtra}
  server {
    listen 127.0.0.1:${port};
${location}
  }
}
`;
}

async function start(name: string, prefix: string, location: string, httpExtra = ''): Promise<NginxInstance> {
  mkdirSync(prefix, { recursive: true });
  const port = await freePort();
  const file = join(prefix, 'nginx.conf');
  writeFileSync(file, config(prefix, port, location, httpExtra));
  const { process } = await startProcess(name, nginxBinary(), ['-e', join(prefix, 'error.log'), '-p', prefix, '-c', file]);
  const url = `http://127.0.0.1:${port}`;
  await waitForOk(`${url}/health`, 10_000).catch((error: unknown) => {
    throw new Error(`${name}: ${error instanceof Error ? error.message : String(error)} ${process.tail()}`);
  });
  return { process, port, url };
}

/** Mock upstream (b): nginx answering every request with the fixed OIP v2 JSON. */
export function startNginxMock(prefix: string, responseJson: string): Promise<NginxInstance> {
  if (responseJson.includes("'")) throw new Error('the mock response must not contain a single quote');
  return start('nginx-mock', prefix, `    location / { default_type application/json; return 200 '${responseJson}'; }`);
}

/** Target 2: nginx proxy_pass to the Node mock, upstream keep-alive, one worker. */
export function startNginxProxy(prefix: string, upstreamPort: number): Promise<NginxInstance> {
  return start(
    'nginx-proxy',
    prefix,
    `    location = /health { return 200 'ok'; }
    location / {
      proxy_pass http://bench_upstream;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }`,
    `upstream bench_upstream { server 127.0.0.1:${upstreamPort}; keepalive 64; }`,
  );
}
