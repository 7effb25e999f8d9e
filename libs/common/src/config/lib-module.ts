import type { DynamicModule, InjectionToken, ModuleMetadata, Provider, Type } from '@nestjs/common';
import { validateOptions } from './options-validation';

/** How a library module built with Nest's ConfigurableModuleBuilder is put together from its options. */
export interface LibModuleSpec<TOptions extends object> {
  /** A class of the library that holds nothing but its options (one per library). */
  holder: Type<unknown>;
  /** The builder's MODULE_OPTIONS_TOKEN: the options as the application passed them. */
  rawToken: InjectionToken;
  /** The token the library's services inject: the options validated, with their defaults. */
  token: InjectionToken;
  type: new () => TOptions;
  /** Prefix of the one-line errors, e.g. `identity`. */
  scope: string;
  imports?: ModuleMetadata['imports'];
  controllers?: ModuleMetadata['controllers'];
  providers?: Provider[];
  exports?: ModuleMetadata['exports'];
}

/**
 * The transform a library passes to ConfigurableModuleBuilder.setExtras. The options (and the imports
 * of a forRootAsync) go into a small holder module that is global because it is configuration: the
 * library's services live in static modules, so that every importer shares one instance of each (one
 * AuditService, one rate-limit store), and those static modules can read the token from anywhere.
 * The options are validated once, when the token is first resolved at start.
 */
export function composeLibModule<TOptions extends object>(definition: DynamicModule, spec: LibModuleSpec<TOptions>): DynamicModule {
  const holder: DynamicModule = {
    module: spec.holder,
    global: true,
    imports: definition.imports ?? [],
    providers: [
      ...(definition.providers ?? []),
      { provide: spec.token, inject: [spec.rawToken], useFactory: (raw: unknown) => validateOptions(spec.type, raw, spec.scope) },
    ],
    exports: [spec.token],
  };
  return {
    module: definition.module,
    imports: [holder, ...(spec.imports ?? [])],
    controllers: spec.controllers ?? [],
    providers: spec.providers ?? [],
    exports: spec.exports ?? [],
  };
}

/** What an application passes to a library's forRoot: any subset of the options; the class fills in defaults. */
export type OptionsInput<T> = {
  [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object ? OptionsInput<T[K]> : T[K];
};
