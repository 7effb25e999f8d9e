import type { ExecutionContext, Type } from '@nestjs/common';

/** The handler and controller class a guard's Reflector lookups take, in that order. */
export type RouteTargets = [handler: (...args: never[]) => unknown, controller: Type];

/**
 * What a guard reads from a route's decorators (@Public(), @RequireScopes(), @CheckPolicies(),
 * @SkipThrottle()), computed once per controller class and handler instead of on every request.
 * Decorator metadata is fixed once the application is built, and every Reflector lookup walks
 * reflect-metadata's maps: the guards made about a dozen of them per request.
 */
export class RouteMetadataCache<T> {
  private readonly byController = new WeakMap<Type, WeakMap<object, { value: T }>>();

  constructor(private readonly read: (targets: RouteTargets) => T) {}

  of(context: ExecutionContext): T {
    const controller = context.getClass();
    const handler = context.getHandler() as RouteTargets[0];
    let byHandler = this.byController.get(controller);
    if (!byHandler) {
      byHandler = new WeakMap();
      this.byController.set(controller, byHandler);
    }
    let entry = byHandler.get(handler);
    if (!entry) {
      entry = { value: this.read([handler, controller]) };
      byHandler.set(handler, entry);
    }
    return entry.value;
  }
}
