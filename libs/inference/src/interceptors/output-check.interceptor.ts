import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { map, type Observable } from 'rxjs';
import { callContextOf } from '../surfaces/call-context';
import type { CallContext } from '../surfaces/inference.types';
import { PiiScreen } from '../surfaces/pii-screen';

/**
 * The version's PII output rule on the answer before it leaves (and before it is stored for replay):
 * `block` (or a canary) → 502 output-blocked, nothing returned; `redact` → the redacted answer. The
 * native and OIP v2 answers are checked in their `outputs` (the registry's names around them are not
 * model output); an OpenAI answer as a whole. Replays were checked when stored; streams of versions
 * with output rules are refused before they start.
 */
@Injectable()
export class OutputCheckInterceptor implements NestInterceptor {
  constructor(private readonly pii: PiiScreen) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const call = callContextOf(context);
    return next.handle().pipe(map((body) => this.check(call, body)));
  }

  private check(call: CallContext, body: unknown): unknown {
    const resolved = call.resolved;
    if (!resolved?.version.piiRule || call.streaming || call.replay !== undefined) return body;
    if (call.surface === 'openai') return this.pii.screenOutput(resolved, body, call.notes);
    const answer = body as { outputs: unknown };
    answer.outputs = this.pii.screenOutput(resolved, answer.outputs, call.notes);
    return answer;
  }
}
