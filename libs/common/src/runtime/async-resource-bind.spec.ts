import { AsyncLocalStorage, AsyncResource, executionAsyncId } from 'node:async_hooks';
import { installCheapAsyncResourceBind } from './async-resource-bind';

describe(installCheapAsyncResourceBind.name, () => {
  beforeAll(() => {
    installCheapAsyncResourceBind();
  });

  it('drops only the deprecated accessor: a bound function no longer carries asyncResource', () => {
    const bound = AsyncResource.bind(() => 1);
    expect(Object.prototype.hasOwnProperty.call(bound, 'asyncResource')).toBe(false);
    expect(bound()).toBe(1);
  });

  it('runs the function in the async context it was bound in, not the caller’s', async () => {
    const storage = new AsyncLocalStorage<string>();
    const bound = storage.run('bound here', () => AsyncResource.bind(() => storage.getStore()));
    expect(storage.run('called here', () => bound())).toBe('bound here');
    await new Promise((resolve) => setImmediate(resolve));
    expect(bound()).toBe('bound here');
  });

  it('runs in a new async resource scope (its own execution id)', () => {
    const outer = executionAsyncId();
    const bound = AsyncResource.bind(() => executionAsyncId());
    expect(bound()).not.toBe(outer);
  });

  it('keeps this, arguments and length: the call site’s this without thisArg, thisArg when given', () => {
    function named(this: unknown, a: number, b: number) {
      return `${(this as { tag?: string } | undefined)?.tag ?? 'none'}:${a + b}`;
    }
    const loose = AsyncResource.bind(named);
    expect(loose.length).toBe(2);
    expect(loose.call({ tag: 'caller' }, 1, 2)).toBe('caller:3');
    const resource = new AsyncResource('test');
    // Node accepts a thisArg since 14.8; @types/node's signature does not declare it.
    const fixed = Reflect.apply(resource.bind, resource, [named, { tag: 'fixed' }]) as typeof named;
    expect(fixed.length).toBe(2);
    expect(fixed.call({ tag: 'caller' }, 2, 3)).toBe('fixed:5');
  });

  it('refuses a non-function with Node’s own error', () => {
    expect(() => AsyncResource.bind(42 as unknown as () => void)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
  });

  it('propagates what the function throws', () => {
    const bound = AsyncResource.bind(() => {
      throw new RangeError('inside');
    });
    expect(() => bound()).toThrow(RangeError);
  });
});
