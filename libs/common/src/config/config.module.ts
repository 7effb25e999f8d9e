import { DynamicModule, Global, Module } from '@nestjs/common';
import { InfergateConfig } from './config.schema';

/** Injection token of the validated InfergateConfig. */
export const APP_CONFIG = Symbol('APP_CONFIG');

/**
 * Makes the configuration that main.ts loaded and validated injectable everywhere. It is loaded
 * before Nest starts so that a bad setting stops the process with a one-line reason, not a stack.
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
