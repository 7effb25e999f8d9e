import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '@infergate/common';
import { HealthReport, ReadinessService } from './readiness.service';

/** Load-balancer probes: public, uncached, and silent about versions, hosts and errors. */
@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly readiness: ReadinessService) {}

  @Get('live')
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({ description: 'The process is up. Checks no dependency.' })
  live(): HealthReport {
    return { status: 'up', components: {} };
  }

  @Get('ready')
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({ description: 'Ready for traffic.' })
  @ApiServiceUnavailableResponse({ description: 'Draining, or a dependency is down.' })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthReport> {
    const report = await this.readiness.check();
    if (report.status !== 'up') void reply.code(503);
    return report;
  }
}
