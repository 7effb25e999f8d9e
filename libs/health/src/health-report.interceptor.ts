import { CallHandler, ExecutionContext, Injectable, NestInterceptor, ServiceUnavailableException } from '@nestjs/common';
import type { HealthCheckResult } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { catchError, map, Observable, of, throwError } from 'rxjs';

export type ComponentStatus = 'up' | 'down';

/** The whole body of a health answer: up or down, per component, and nothing else. */
export interface HealthReport {
  status: ComponentStatus;
  components: Record<string, ComponentStatus>;
}

/**
 * The one place where terminus' answer becomes the minimal body load balancers get. terminus returns
 * a HealthCheckResult when every indicator is up and throws a ServiceUnavailableException whose
 * response is the HealthCheckResult otherwise (status `error`, or `shutting_down` once the application
 * closes); it has no option to shape that body, and its own (info, error, details with whatever an
 * indicator adds) is more than a probe should see. This maps both to `{ status, components }`, answers
 * 503 for the second, and lets any other error through to the problem+json filter.
 */
@Injectable()
export class HealthReportInterceptor implements NestInterceptor<HealthCheckResult, HealthReport> {
  intercept(context: ExecutionContext, next: CallHandler<HealthCheckResult>): Observable<HealthReport> {
    return next.handle().pipe(
      map(toHealthReport),
      catchError((error: unknown) => {
        const result = error instanceof ServiceUnavailableException ? error.getResponse() : undefined;
        if (!isHealthCheckResult(result)) return throwError(() => error);
        void context.switchToHttp().getResponse<FastifyReply>().code(503);
        return of(toHealthReport(result));
      }),
    );
  }
}

export function toHealthReport(result: HealthCheckResult): HealthReport {
  const components: Record<string, ComponentStatus> = {};
  for (const [name, detail] of Object.entries(result.details)) components[name] = detail.status === 'up' ? 'up' : 'down';
  return { status: result.status === 'ok' ? 'up' : 'down', components };
}

function isHealthCheckResult(value: unknown): value is HealthCheckResult {
  if (typeof value !== 'object' || value === null) return false;
  const { status, details } = value as Partial<HealthCheckResult>;
  return (status === 'ok' || status === 'error' || status === 'shutting_down') && typeof details === 'object' && details !== null;
}
