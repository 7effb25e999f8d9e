import { Body, Controller, Get, Module, Post, Query } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { Public } from '@infergate/common';

/**
 * Routes that exist only in tests, to exercise the pipeline before the feature modules exist:
 * a protected route, a JSON route, a route that fails with an internal-looking error, a slow route.
 */
@Controller('probe')
export class ProbeController {
  @Get('protected')
  protectedRoute(): { ok: true } {
    return { ok: true };
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
