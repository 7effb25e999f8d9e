import { Body, Controller, Get, Module, Post, Query } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { CheckPolicies, Public } from '@infergate/common';
import { CurrentPrincipal, Principal } from '@infergate/contracts';

/**
 * Routes that exist only in tests, to exercise the pipeline before the feature modules exist:
 * a protected route, one that echoes the principal, a JSON route, a route that fails with an internal-looking error, a slow route.
 */
@Controller('probe')
export class ProbeController {
  /** Any authenticated caller with an organization may read its own usage: "authenticated" is the whole test. */
  @CheckPolicies('read', 'Usage')
  @Get('protected')
  protectedRoute(): { ok: true } {
    return { ok: true };
  }

  @CheckPolicies('read', 'Usage')
  @Get('whoami')
  whoami(@CurrentPrincipal() principal: Principal): Principal {
    return principal;
  }

  @Public()
  @Post('echo')
  echo(@Body() body: unknown): unknown {
    return body;
  }

  @Public()
  @Get('boom')
  boom(): never {
    throw new Error('connect to db-internal-7.corp:5432 failed: SELECT client_secret FROM applications');
  }

  @Public()
  @Get('slow')
  async slow(@Query('ms') ms = '1000'): Promise<{ ok: true }> {
    await sleep(Number(ms));
    return { ok: true };
  }
}

@Module({ controllers: [ProbeController] })
export class ProbeModule {}
