import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { tap, type Observable } from 'rxjs';
import { deprecationHeaders } from '@infergate/model-registry';
import { callContextOf } from '../surfaces/call-context';

/**
 * `Deprecation` (RFC 9745), `Sunset` (RFC 8594) and a `successor-version` Link on every successful
 * answer of a deprecated version, replays included, so that clients learn before the version goes.
 */
@Injectable()
export class DeprecationHeadersInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const call = callContextOf(context);
    return next.handle().pipe(
      tap(() => {
        const resolved = call.resolved;
        if (resolved?.version.deprecation) void call.reply.headers(deprecationHeaders(resolved));
      }),
    );
  }
}
