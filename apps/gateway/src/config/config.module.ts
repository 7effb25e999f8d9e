import { DynamicModule, Global, Module } from '@nestjs/common';
import type { InfergateConfig } from './infergate.config';

/** Injection token of the validated InfergateConfig. */
export const APP_CONFIG = Symbol('APP_CONFIG');

/**
 * Makes the whole configuration that main.ts loaded and validated injectable in the gateway and CLI
 * apps. Libraries never inject it: each gets its own slice through its module's forRoot options.
 * It is loaded before Nest starts so that a bad setting stops the process with a one-line reason.
 */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: InfergateConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: APP_CONFIG, useValue: Object.freeze(config) }],
      exports: [APP_CONFIG],
    };
  }
}
