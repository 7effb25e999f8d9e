import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { APP_CONFIG } from '../config/config.module';
import { InfergateConfig } from '../config/config.schema';
import { pathWithoutQuery, pinoOptions } from './log-redaction';

/** Structured JSON logs (pino) with the request id on every line and credentials redacted. */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: InfergateConfig) => ({
        pinoHttp: {
          ...pinoOptions(config.log.level),
          genReqId: (req: IncomingMessage) => (req as IncomingMessage & { id: string }).id,
          quietReqLogger: true,
          customAttributeKeys: { reqId: 'requestId' },
          autoLogging: { ignore: (req: IncomingMessage) => (req.url ?? '').startsWith('/health/') },
          serializers: {
            req: (req: IncomingMessage & { id?: string }) => ({
              id: req.id,
              method: req.method,
              url: pathWithoutQuery(req.url),
              userAgent: req.headers['user-agent'],
            }),
            res: (res: ServerResponse & { statusCode: number }) => ({ statusCode: res.statusCode }),
          },
        },
        renameContext: 'component',
      }),
    }),
  ],
})
export class LoggingModule {}
