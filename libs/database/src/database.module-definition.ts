import { ConfigurableModuleBuilder, Module } from '@nestjs/common';
import { type OptionsInput } from '@infergate/common';
import { DatabaseModuleOptions } from './database.options';

/** Holds DatabaseModule's options (see composeLibModule). */
@Module({})
export class DatabaseOptionsHolder {}

/** The options as the application passed them (before validation and defaults). */
export const DATABASE_MODULE_OPTIONS = Symbol('DATABASE_MODULE_OPTIONS');

export const {
  ConfigurableModuleClass: ConfigurableDatabaseModule,
  OPTIONS_TYPE: DATABASE_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: DATABASE_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<OptionsInput<DatabaseModuleOptions>>({
  moduleName: 'Database',
  optionsInjectionToken: DATABASE_MODULE_OPTIONS,
})
  .setClassMethodName('forRoot')
  .build();
