import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE, problemType } from '@infergate/common';
import { clientBucketKey } from './client-ip';

export interface PreAuthLimiterOptions {
  /** Tokens per second per client IP (IPv6: per /64). */
  ratePerSecond: number;
  burst: number;
  /** Most client buckets kept; the least recently seen are dropped first. */
  maxClients?: number;
  /** Paths never limited (load-balancer probes). */
  isExempt?: (path: string) => boolean;
  now?: () => number;
}

export interface PreAuthDecision {
  allowed: boolean;
  remaining: number;
  /** Seconds until one more request would pass (0 when allowed). */
  retryAfterSeconds: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

const DEFAULT_MAX_CLIENTS = 100_000;

/**
 * A per-client-IP token bucket in process memory, charged before any credential is parsed or any
 * signature verified, so that floods of bad credentials cannot burn CPU on crypto. Deliberately
 * local and cheap: the exact, shared limits are the plan limits charged after authentication.
 */
export class PreAuthLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly maxClients: number;
  private readonly now: () => number;

  constructor(private readonly options: PreAuthLimiterOptions) {
    this.maxClients = options.maxClients ?? DEFAULT_MAX_CLIENTS;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.buckets.size;
  }

  /** Takes one token from the bucket of `clientIp`. */
  take(clientIp: string | undefined): PreAuthDecision {
    const key = clientBucketKey(clientIp);
    const now = this.now();
    const { ratePerSecond, burst } = this.options;
    const previous = this.buckets.get(key);
    const tokens = previous ? Math.min(burst, previous.tokens + ((now - previous.updatedAt) / 1000) * ratePerSecond) : burst;
    // Re-insert so that Map order is least-recently-seen first.
    this.buckets.delete(key);
    if (this.buckets.size >= this.maxClients) this.buckets.delete(this.buckets.keys().next().value as string);
    if (tokens >= 1) {
      this.buckets.set(key, { tokens: tokens - 1, updatedAt: now });
      return { allowed: true, remaining: Math.floor(tokens - 1), retryAfterSeconds: 0 };
    }
    this.buckets.set(key, { tokens, updatedAt: now });
    return { allowed: false, remaining: 0, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / ratePerSecond)) };
  }
}

export const isHealthProbe = (path: string): boolean => path === '/health' || path.startsWith('/health/');

/**
 * Registers the limiter as a Fastify onRequest hook (register it right after registerHttpHooks, so
 * that refusals carry X-Request-Id). The client address is `request.ip`: the socket's, or the
 * X-Forwarded-For hop Fastify's `trustProxy` (TRUSTED_PROXY_CIDRS) accepts from a trusted proxy.
 */
export function registerPreAuthLimiter(fastify: FastifyInstance, options: PreAuthLimiterOptions): PreAuthLimiter {
  const limiter = new PreAuthLimiter(options);
  const isExempt = options.isExempt ?? isHealthProbe;
  const windowSeconds = Math.max(1, Math.ceil(options.burst / options.ratePerSecond));
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const path = pathOf(request.url);
    if (isExempt(path)) return done();
    const decision = limiter.take(request.ip);
    if (decision.allowed) return done();
    const body = {
      type: problemType('rate-limited'),
      title: 'Too Many Requests',
      status: 429,
      detail: `Too many requests from this address. Retry after ${decision.retryAfterSeconds} s.`,
      instance: path,
      requestId: String(request.id),
      limit: 'pre-auth',
    };
    void reply
      .code(429)
      .headers({
        'Retry-After': String(decision.retryAfterSeconds),
        'RateLimit-Policy': `"pre-auth";q=${options.burst};w=${windowSeconds}`,
        RateLimit: `"pre-auth";r=0;t=${decision.retryAfterSeconds}`,
      })
      .type(PROBLEM_CONTENT_TYPE)
      .send(JSON.stringify(body));
  });
  return limiter;
}

function pathOf(url: string | undefined): string {
  const value = url ?? '/';
  const queryAt = value.indexOf('?');
  return queryAt === -1 ? value : value.slice(0, queryAt);
}
