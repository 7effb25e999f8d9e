import { AsyncResource } from 'node:async_hooks';

type Bind = (this: AsyncResource, fn: (...args: unknown[]) => unknown, thisArg?: unknown) => (...args: unknown[]) => unknown;

let installed = false;

/**
 * Makes `AsyncResource.prototype.bind` (and so the static `AsyncResource.bind`) cheap on Node versions
 * that decorate every bound function with the deprecated `asyncResource` accessor (DEP0172).
 *
 * Why: Nest's InterceptorsConsumer binds the next handler with `AsyncResource.bind()` for every
 * interceptor of a route and once more for the handler, on every request. On Node 20 each bind defines
 * that accessor through two `util.deprecate()` wrappers: about 10 µs of CPU per bind
 * (`npm run bench:async-bind`), 20 µs per inference call with one interceptor slot. The replacement runs
 * the function in the resource's async scope exactly as Node's does (same `this` handling, same
 * `length`, the same async context for AsyncLocalStorage) and only leaves out the deprecated accessor
 * nobody in this process reads. On a Node that no longer defines the accessor nothing is changed.
 *
 * Process-wide by nature, so it is never done on import: the gateway calls it once when it builds the
 * application (docs/adr/0009-cheap-async-resource-bind.md).
 */
export function installCheapAsyncResourceBind(): boolean {
  if (installed) return true;
  const prototype = AsyncResource.prototype as unknown as { bind: Bind };
  const original = prototype.bind;
  if (
    !Object.prototype.hasOwnProperty.call(
      AsyncResource.bind(() => undefined),
      'asyncResource',
    )
  )
    return false;
  const cheapBind: Bind = function bind(this: AsyncResource, fn, thisArg) {
    // Node's own validation error for a non-function.
    if (typeof fn !== 'function') return original.call(this, fn, thisArg);
    const bound = thisArg === undefined ? boundToCallSite(this, fn) : this.runInAsyncScope.bind(this, fn, thisArg);
    Object.defineProperty(bound, 'length', { configurable: true, enumerable: false, writable: false, value: fn.length });
    return bound as (...args: unknown[]) => unknown;
  };
  prototype.bind = cheapBind;
  installed = true;
  return true;
}

/** Without a thisArg, Node's bound function passes its own call site's `this` to `fn`. */
function boundToCallSite(resource: AsyncResource, fn: (...args: unknown[]) => unknown) {
  return function (this: unknown, ...args: unknown[]): unknown {
    return resource.runInAsyncScope(fn, this, ...args);
  };
}
