import { BadRequestException, ServiceUnavailableException, type CallHandler, type ExecutionContext } from '@nestjs/common';
import type { HealthCheckResult } from '@nestjs/terminus';
import { lastValueFrom, of, throwError } from 'rxjs';
import { HealthReportInterceptor } from './health-report.interceptor';

function run(handled: CallHandler<HealthCheckResult>) {
  const codes: number[] = [];
  const reply = { code: (status: number) => (codes.push(status), reply) };
  const context = { switchToHttp: () => ({ getResponse: () => reply }) } as unknown as ExecutionContext;
  return { codes, answer: lastValueFrom(new HealthReportInterceptor().intercept(context, handled)) };
}

describe(HealthReportInterceptor.name, () => {
  it('answers an all-up check as the minimal body, without what the indicators add', async () => {
    const result: HealthCheckResult = {
      status: 'ok',
      info: { database: { status: 'up', version: '16.2' } },
      error: {},
      details: { database: { status: 'up', version: '16.2' }, accepting: { status: 'up' } },
    };
    const { codes, answer } = run({ handle: () => of(result) });
    expect(await answer).toEqual({ status: 'up', components: { database: 'up', accepting: 'up' } });
    expect(codes).toEqual([]);
  });

  it.each(['error', 'shutting_down'] as const)('answers terminus’ 503 (%s) as 503 with the minimal body', async (status) => {
    const result: HealthCheckResult = {
      status,
      details: { redis: { status: 'down', message: 'connect ECONNREFUSED 10.0.0.7:6379' }, accepting: { status: 'up' } },
    };
    const { codes, answer } = run({ handle: () => throwError(() => new ServiceUnavailableException(result)) });
    expect(await answer).toEqual({ status: 'down', components: { redis: 'down', accepting: 'up' } });
    expect(codes).toEqual([503]);
  });

  it('lets any other error through to the exception filters', async () => {
    const { codes, answer } = run({ handle: () => throwError(() => new ServiceUnavailableException()) });
    await expect(answer).rejects.toBeInstanceOf(ServiceUnavailableException);
    const other = run({ handle: () => throwError(() => new BadRequestException()) });
    await expect(other.answer).rejects.toBeInstanceOf(BadRequestException);
    expect(codes).toEqual([]);
  });
});
