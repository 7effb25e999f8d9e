import type { Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

/** Cached "no metadata" (most keys on most routes), so that a hit is one Map lookup. */
const ABSENT = Symbol('absent');

type Target = Type | ((...args: never[]) => unknown);

/**
 * A Reflector whose `getAllAndOverride(key, [handler, controller])` answers from a cache per route.
 * ThrottlerGuard.canActivate reads six metadata keys per named throttler on every request (skip,
 * limit, ttl, blockDuration, tracker, key generator: what @SkipThrottle() and @Throttle() set); each
 * uncached read walks reflect-metadata's maps on the handler and then on the class. Decorator
 * metadata is fixed once the application is built, so the guard hands the base class this reflector
 * (its public constructor parameter) and the base class's own logic stays as it is. The base class
 * asks its keys one after the other for the same route, so the last route's map is kept at hand.
 * Any other lookup shape goes to the wrapped reflector uncached.
 */
export class RouteMetadataReflector extends Reflector {
  private readonly routes = new WeakMap<object, WeakMap<object, Map<unknown, unknown>>>();
  private lastHandler?: object;
  private lastController?: object;
  private lastRoute?: Map<unknown, unknown>;

  constructor(private readonly inner: Reflector) {
    super();
  }

  override getAllAndOverride<TResult = unknown, TKey = unknown>(metadataKey: TKey, targets: Target[]): TResult;
  override getAllAndOverride(metadataKey: unknown, targets: Target[]): unknown {
    if (targets.length !== 2) return this.inner.getAllAndOverride(metadataKey, targets);
    const [handler, controller] = targets;
    const route = handler === this.lastHandler && controller === this.lastController ? this.lastRoute! : this.routeOf(handler, controller);
    const cached = route.get(metadataKey);
    if (cached !== undefined) return cached === ABSENT ? undefined : cached;
    const value: unknown = this.inner.getAllAndOverride(metadataKey, targets);
    route.set(metadataKey, value === undefined ? ABSENT : value);
    return value;
  }

  private routeOf(handler: object, controller: object): Map<unknown, unknown> {
    let byHandler = this.routes.get(controller);
    if (!byHandler) {
      byHandler = new WeakMap();
      this.routes.set(controller, byHandler);
    }
    let route = byHandler.get(handler);
    if (!route) {
      route = new Map();
      byHandler.set(handler, route);
    }
    this.lastHandler = handler;
    this.lastController = controller;
    this.lastRoute = route;
    return route;
  }
}
