import { INestApplication, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { IS_PUBLIC_KEY, POLICY_REQUIREMENT_KEY, type PolicyRequirement } from '@infergate/common';

/** One HTTP route of a running Nest application, with the security metadata its guards read. */
export interface RouteEntry {
  method: string;
  /** Full path in Nest/Fastify syntax, e.g. `/v1/admin/organizations/:orgId`. */
  path: string;
  /** `Controller.handler`, for messages. */
  handler: string;
  isPublic: boolean;
  policy: PolicyRequirement | undefined;
}

/**
 * The application's route table, read the way the router builds it: every controller the container
 * holds, every method carrying a route path, and the metadata the global guards will look up (handler
 * first, then class — `reflector.getAllAndOverride`).
 */
export function routeTable(app: INestApplication): RouteEntry[] {
  const discovery = new DiscoveryService(app.get(ModulesContainer));
  const scanner = new MetadataScanner();
  const reflector = new Reflector();
  const routes: RouteEntry[] = [];
  for (const wrapper of discovery.getControllers()) {
    const { instance, metatype } = wrapper;
    if (!instance || typeof metatype !== 'function') continue;
    const prototype = Object.getPrototypeOf(instance) as Record<string, unknown>;
    const prefixes = paths(Reflect.getMetadata(PATH_METADATA, metatype));
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[name] as (...args: unknown[]) => unknown;
      const routePath: unknown = Reflect.getMetadata(PATH_METADATA, handler);
      if (routePath === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
      const targets = [handler, metatype];
      for (const prefix of prefixes) {
        for (const suffix of paths(routePath)) {
          routes.push({
            method,
            path: join(prefix, suffix),
            handler: `${metatype.name}.${name}`,
            isPublic: reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, targets) === true,
            policy: reflector.getAllAndOverride<PolicyRequirement | undefined>(POLICY_REQUIREMENT_KEY, targets),
          });
        }
      }
    }
  }
  return routes.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}

/** `GET /v1/admin/organizations/:orgId` */
export const routeKey = (route: Pick<RouteEntry, 'method' | 'path'>): string => `${route.method} ${route.path}`;

function paths(value: unknown): string[] {
  if (value === undefined) return ['/'];
  return Array.isArray(value) ? (value as string[]) : [value as string];
}

function join(prefix: string, suffix: string): string {
  const joined = `/${[prefix, suffix]
    .map((part) => part.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/')}`;
  return joined;
}
