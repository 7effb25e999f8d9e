import { ExecutionContext, Injectable, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { DiscoveryService, HttpAdapterHost } from '@nestjs/core';
import { AuthGuard, type IAuthGuard } from '@nestjs/passport';
import passport from 'passport';
import type { Strategy } from 'passport';
import { AuthenticationStrategy, type AuthenticationStrategyOptions, type BuiltInCredential } from './credential-strategy.decorator';
import { API_KEY_PREFIX, type CustomCredentialLocations } from './credentials';
import { declareAuthenticationRequestProperties } from './request-properties';

/**
 * AuthGuard(name)'s canActivate: passport.authenticate(name) through @nestjs/passport, run with a
 * guard subclass as `this` so that its getRequest / handleRequest / getAuthenticateOptions apply.
 */
export type PassportActivation = (this: unknown, context: ExecutionContext) => Promise<boolean>;

/** One registered strategy, as the guard uses it. */
export interface RegisteredStrategy {
  readonly name: string;
  readonly activate: PassportActivation;
}

/** Passport's strategy registry is process-wide: each application registers its instances under names of its own. */
let applications = 0;

/**
 * The strategy table the AuthenticationGuard consults, built once at start from every provider
 * decorated with @AuthenticationStrategy, whichever module registers it. The guard then picks a
 * strategy with a property read (built-in kinds) or one map lookup (a team's credential), never by
 * trying strategies in turn.
 *
 * Each strategy instance is also registered with passport under a name qualified by this application
 * (`bearer#1`): PassportStrategy registers it under its plain name, where a second application in the
 * same process (tests start several) would replace it with its own instance and verifiers.
 */
@Injectable()
export class CredentialStrategyRegistry implements OnModuleInit, OnModuleDestroy {
  private readonly suffix = `#${++applications}`;
  private readonly builtIn: Partial<Record<BuiltInCredential, RegisteredStrategy>> = {};
  private readonly custom = new Map<string, RegisteredStrategy>();
  private readonly registered: string[] = [];
  /** Where the registered strategies' credentials are, for presentedCredential(). */
  locations: CustomCredentialLocations = { headers: [], bearerPrefixes: [], schemes: new Map() };

  constructor(
    private readonly discovery: DiscoveryService,
    @Optional() private readonly adapterHost?: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    declareAuthenticationRequestProperties(this.adapterHost?.httpAdapter?.getInstance());
    const headers: Array<{ header: string; strategy: string }> = [];
    const bearerPrefixes: Array<{ prefix: string; strategy: string }> = [];
    const schemes = new Map<string, string>();
    const seen = new Set<unknown>();
    for (const wrapper of this.discovery.getProviders({ metadataKey: AuthenticationStrategy.KEY })) {
      const instance = wrapper.instance as Strategy | undefined;
      if (!instance || seen.has(instance)) continue;
      if (!wrapper.isDependencyTreeStatic()) throw new Error(`${wrapper.name}: an authentication strategy must be a singleton provider`);
      seen.add(instance);
      const options = this.discovery.getMetadataByDecorator(AuthenticationStrategy, wrapper) as AuthenticationStrategyOptions;
      const entry = this.register(options.name, instance);
      const credential = options.credential;
      if (typeof credential === 'string') {
        this.claim(this.builtIn[credential] === undefined, `the ${credential} credential`, options.name);
        this.builtIn[credential] = entry;
        continue;
      }
      this.custom.set(options.name, entry);
      if ('header' in credential) {
        const header = credential.header.toLowerCase();
        this.claim(
          !['authorization', 'x-api-key'].includes(header) && !headers.some((h) => h.header === header),
          `header ${header}`,
          options.name,
        );
        headers.push({ header, strategy: options.name });
      } else if ('bearerPrefix' in credential) {
        const prefix = credential.bearerPrefix;
        const overlaps = (other: string) => other.startsWith(prefix) || prefix.startsWith(other);
        const free = prefix.length > 0 && !overlaps(API_KEY_PREFIX) && !bearerPrefixes.some((p) => overlaps(p.prefix));
        this.claim(free, `Bearer prefix "${prefix}"`, options.name);
        bearerPrefixes.push({ prefix, strategy: options.name });
      } else {
        const scheme = credential.scheme.toLowerCase();
        this.claim(scheme !== 'bearer' && !schemes.has(scheme), `scheme ${scheme}`, options.name);
        schemes.set(scheme, options.name);
      }
    }
    this.locations = { headers, bearerPrefixes, schemes };
  }

  onModuleDestroy(): void {
    for (const name of this.registered.splice(0)) passport.unuse(name);
  }

  /** The strategy for a built-in credential kind, if this application registered one. */
  forBuiltIn(kind: BuiltInCredential): RegisteredStrategy | undefined {
    return this.builtIn[kind];
  }

  /** The team strategy named by presentedCredential() for a credential it claims. */
  forCustom(name: string): RegisteredStrategy | undefined {
    return this.custom.get(name);
  }

  private register(name: string, instance: Strategy): RegisteredStrategy {
    if (this.registered.includes(name + this.suffix)) throw new Error(`two authentication strategies are named "${name}"`);
    const qualified = name + this.suffix;
    passport.use(qualified, instance);
    this.registered.push(qualified);
    // AuthGuard is memoized per name: one mixin class per strategy, built here, never per request. Its
    // canActivate is taken unbound on purpose: the guard calls it with itself as `this`.
    // eslint-disable-next-line @typescript-eslint/unbound-method
    return { name, activate: (AuthGuard(qualified).prototype as IAuthGuard).canActivate as PassportActivation };
  }

  private claim(free: boolean, what: string, name: string): void {
    if (!free) throw new Error(`authentication strategy "${name}" claims ${what}, which another strategy claims already`);
  }
}
