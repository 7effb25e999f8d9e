import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthenticationRequiredException } from '../errors/problem.exception';
import { IS_PUBLIC_KEY } from './public.decorator';

/**
 * Global deny-by-default guard (APP_GUARD 1). A route is reachable without credentials only when
 * marked @Public(); every other route is refused with RFC 6750's bare Bearer challenge until a
 * credential strategy recognises the caller.
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, [context.getHandler(), context.getClass()]);
    if (isPublic) return true;
    throw new AuthenticationRequiredException();
  }
}
