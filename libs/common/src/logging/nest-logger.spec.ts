import { Logger } from '@nestjs/common';
import { createGatewayLoggers } from './loggers';
import { PinoNestLogger } from './nest-logger';
import { captureLog, type LogCapture } from './testing/log-capture';

function capture(level = 'debug'): LogCapture & { service: PinoNestLogger } {
  const log = captureLog();
  return { ...log, service: new PinoNestLogger(createGatewayLoggers(level, log.stream).app) };
}

describe('PinoNestLogger', () => {
  it("merges a Nest Logger's object into the line and names the component", () => {
    const { service, lines } = capture();
    Logger.overrideLogger(service);
    new Logger('AuditService').warn({ event: 'audit.write_failed', events: 3 }, 'audit batch not stored');
    expect(lines()).toEqual([
      expect.objectContaining({
        level: 'warn',
        component: 'AuditService',
        event: 'audit.write_failed',
        events: 3,
        msg: 'audit batch not stored',
      }),
    ]);
  });

  it('serializes an error as err with its stack, and keeps the stack of Nest exception handlers', () => {
    const { service, lines } = capture();
    service.error(new Error('boom'), 'Bootstrap');
    service.error('Unhandled', 'Error: Unhandled\n    at handler (file.js:1:1)', 'ExceptionsHandler');
    const [first, second] = lines();
    expect(first).toMatchObject({ level: 'error', component: 'Bootstrap', msg: 'boom', err: { message: 'boom' } });
    expect(String((first.err as { stack: string }).stack)).toContain('Error: boom');
    expect(second).toMatchObject({
      component: 'ExceptionsHandler',
      msg: 'Unhandled',
      err: { stack: 'Error: Unhandled\n    at handler (file.js:1:1)' },
    });
  });

  it('redacts credentials and bodies a module passes by mistake', () => {
    const { service, raw } = capture();
    service.log({ event: 'x', clientSecret: 's3cr3t', body: { prompt: 'patient record' }, client: { token: 't0k3n' } }, 'Identity');
    expect(raw()).toContain('"event":"x"');
    expect(raw()).not.toMatch(/s3cr3t|patient record|t0k3n/);
  });

  it('writes nothing below the configured level', () => {
    const { service, raw } = capture('warn');
    service.log('started', 'Bootstrap');
    service.debug({ event: 'detail' }, 'Bootstrap');
    expect(raw()).toBe('');
    service.warn('careful', 'Bootstrap');
    expect(raw()).toContain('careful');
  });
});
