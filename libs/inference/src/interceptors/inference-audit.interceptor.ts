import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { hash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { tap, type Observable } from 'rxjs';
import { AuditService, type AuditOutcome } from '@infergate/audit';
import { callContextOf } from '../surfaces/call-context';
import type { CallContext } from '../surfaces/inference.types';
import { callOutcome, failureStatus, whenStreamEnds } from './call-outcome';

/**
 * Audits every inference call as `inference.call`: who, which model version over which surface and
 * backend, status, latency, what the PII screens found (detector counts), and a SHA-256 digest of the
 * input, never the input. A stream is audited when it ends (200, or 499 'rejected' when it was cut).
 * The record is written off the request path (AuditService queues it).
 */
@Injectable()
export class InferenceAuditInterceptor implements NestInterceptor {
  constructor(private readonly audit: AuditService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const call = callContextOf(context);
    // Before the handler: the digest is of the body as the client sent it, whatever the PII rule redacts.
    const inputDigest = hash('sha256', JSON.stringify(call.request.body) ?? '', 'hex');
    return next.handle().pipe(
      tap({
        next: (body) => {
          if (!call.streaming) this.record(call, inputDigest, call.reply.statusCode, 'ok');
          else
            whenStreamEnds(body as NodeJS.ReadableStream, (done) =>
              this.record(call, inputDigest, done ? 200 : 499, done ? 'ok' : 'rejected'),
            );
        },
        error: (error: unknown) => {
          const status = failureStatus(error);
          this.record(call, inputDigest, status, callOutcome(error, status));
        },
      }),
    );
  }

  private record(call: CallContext, inputDigest: string, status: number, outcome: string): void {
    const latencyMs = Math.round((performance.now() - call.started) * 1000) / 1000;
    const { principal, resolved } = call;
    void this.audit.record({
      action: 'inference.call',
      outcome: auditOutcome(status),
      actor: { type: principal.kind, id: principal.subject },
      ...(resolved ? { orgId: resolved.model.orgId } : principal.orgId ? { orgId: principal.orgId } : {}),
      resource: resolved ? { type: 'ModelVersion', id: resolved.version.id } : { type: 'Model' },
      requestId: call.requestId,
      ...(status >= 400 ? { reason: outcome } : {}),
      details: {
        surface: call.surface,
        model: resolved?.model.name ?? null,
        version: resolved?.version.version ?? null,
        backend: resolved?.version.backend ?? null,
        status,
        latencyMs,
        inputDigest: `sha256:${inputDigest}`,
        ...call.notes,
      },
    });
  }
}

function auditOutcome(status: number): AuditOutcome {
  if (status < 400) return 'success';
  if (status === 401 || status === 403 || status === 404) return 'denied';
  return 'failure';
}
