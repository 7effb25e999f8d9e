import { AddressInfo, createConnection, createServer, Server, Socket } from 'node:net';

export interface TcpProxy {
  /** The port the proxy listens on (127.0.0.1); the same before and after a cut. */
  readonly port: number;
  /** Connections currently being forwarded. */
  readonly liveConnections: number;
  /** Stops accepting (new connections are refused) and destroys every live connection. */
  cut(): Promise<void>;
  /** Accepts and forwards again, on the same port. */
  restore(): Promise<void>;
  /** Cuts for good. */
  close(): Promise<void>;
}

/**
 * A TCP forwarder on 127.0.0.1 (on a free port) to `target`, to simulate a dependency going away:
 * `cut()` behaves like a crashed server (live connections dropped, new ones refused), `restore()` like its return.
 */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  const clients = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;

  const forward = (client: Socket): void => {
    const upstream = createConnection({ host: target.host, port: target.port });
    clients.add(client);
    client.on('close', () => clients.delete(client));
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      // A reset on one side ends the other; errors are the point of this proxy, not failures of it.
      socket.on('error', () => undefined);
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  };

  const listen = async (): Promise<void> => {
    const next = createServer(forward);
    await new Promise<void>((resolve, reject) => {
      next.once('error', reject);
      next.listen({ host: '127.0.0.1', port }, () => {
        next.off('error', reject);
        resolve();
      });
    });
    port = (next.address() as AddressInfo).port;
    server = next;
  };

  const cut = async (): Promise<void> => {
    const current = server;
    server = undefined;
    const closed = current ? new Promise<void>((resolve) => current.close(() => resolve())) : Promise.resolve();
    for (const socket of sockets) socket.destroy();
    await closed;
  };

  await listen();
  return {
    get port() {
      return port;
    },
    get liveConnections() {
      return clients.size;
    },
    cut,
    restore: async () => {
      if (!server) await listen();
    },
    close: cut,
  };
}
