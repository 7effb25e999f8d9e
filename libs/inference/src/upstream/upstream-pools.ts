import { createHash } from 'node:crypto';
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'undici';
import { REGISTRY_OPTIONS, UpstreamUrlValidator, type HttpEndpoint, type RegistryOptions } from '@infergate/model-registry';
import { guardedLookup } from './guarded-lookup';

/** Where an endpoint's requests go: its origin's pool and the path prefix/query of its URL. */
export interface UpstreamTarget {
  origin: string;
  pool: Pool;
  /** The URL's path without a trailing slash ('' for the root). */
  basePath: string;
  /** The URL's query, with its '?', or ''. */
  search: string;
  /** Host name (or address, without IPv6 brackets) and port, for the upstream span's attributes. */
  host: string;
  port: number;
}

/**
 * Keep-alive connection pools, one per upstream origin and connection settings (connect timeout,
 * mTLS material): two versions on one server share their sockets, two client certificates never
 * do. Redirects are never followed (undici 7 pools do not follow them; a 3xx is an error upstream
 * of here). Every socket's name lookup is re-checked against the registry's address rules (DNS
 * rebinding). All pools close with the application.
 */
@Injectable()
export class UpstreamPools implements OnApplicationShutdown {
  private readonly targets = new Map<string, UpstreamTarget>();
  /** Resolved versions are cached by the registry, so one endpoint object is seen again and again. */
  private byEndpoint = new WeakMap<HttpEndpoint, { connectTimeoutMs: number; target: UpstreamTarget }>();
  private readonly lookup: ReturnType<typeof guardedLookup>;

  constructor(@Inject(REGISTRY_OPTIONS) registry: RegistryOptions) {
    this.lookup = guardedLookup(new UpstreamUrlValidator(registry));
  }

  target(endpoint: HttpEndpoint, connectTimeoutMs: number): UpstreamTarget {
    const known = this.byEndpoint.get(endpoint);
    if (known?.connectTimeoutMs === connectTimeoutMs) return known.target;
    const target = this.resolve(endpoint, connectTimeoutMs);
    this.byEndpoint.set(endpoint, { connectTimeoutMs, target });
    return target;
  }

  private resolve(endpoint: HttpEndpoint, connectTimeoutMs: number): UpstreamTarget {
    const tls = endpoint.tls;
    const tlsKey = tls
      ? createHash('sha256')
          .update(`${tls.caPem ?? ''}\0${tls.certPem ?? ''}\0${tls.keyPem ?? ''}`)
          .digest('hex')
      : '';
    const key = `${endpoint.url}\0${connectTimeoutMs}\0${tlsKey}`;
    let target = this.targets.get(key);
    if (!target) {
      const url = new URL(endpoint.url);
      const pool = this.poolFor(url.origin, connectTimeoutMs, tlsKey, url.protocol === 'https:' ? tls : undefined);
      target = {
        origin: url.origin,
        pool,
        basePath: url.pathname.replace(/\/+$/, ''),
        search: url.search,
        host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: Number(url.port) || (url.protocol === 'https:' ? 443 : 80),
      };
      this.targets.set(key, target);
    }
    return target;
  }

  private readonly pools = new Map<string, Pool>();

  private poolFor(origin: string, connectTimeoutMs: number, tlsKey: string, tls: HttpEndpoint['tls']): Pool {
    const key = `${origin}\0${connectTimeoutMs}\0${tlsKey}`;
    let pool = this.pools.get(key);
    if (!pool) {
      pool = new Pool(origin, {
        connect: {
          timeout: connectTimeoutMs,
          lookup: this.lookup,
          ...(tls?.caPem ? { ca: tls.caPem } : {}),
          ...(tls?.certPem ? { cert: tls.certPem } : {}),
          ...(tls?.keyPem ? { key: tls.keyPem } : {}),
        },
        keepAliveTimeout: 4_000,
        keepAliveMaxTimeout: 60_000,
        pipelining: 1,
      });
      this.pools.set(key, pool);
    }
    return pool;
  }

  async onApplicationShutdown(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    this.targets.clear();
    this.byEndpoint = new WeakMap();
    await Promise.all(pools.map((pool) => pool.destroy().catch(() => undefined)));
  }
}
