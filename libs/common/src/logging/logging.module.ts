import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { APP_CONFIG } from '../config/config.module';
import { InfergateConfig } from '../config/config.schema';
import { httpLoggerOptions } from './http-logger.options';

/** Structured JSON logs (pino): request id, trace id, principal and org on request lines; credentials redacted. */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: InfergateConfig) => ({ pinoHttp: httpLoggerOptions(config.log.level), renameContext: 'component' }),
    }),
  ],
})
export class LoggingModule {}
