import { Controller, Get, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CheckPolicies } from '@infergate/common';
import { GatewayMetrics } from './gateway-metrics';

/**
 * Prometheus exposition on the main port, for platform admins (a token with `admin` or the narrower
 * `metrics:read` scope). The management port (observability.metricsPort) serves the same text
 * without credentials, on loopback by default.
 */
@ApiTags('metrics')
@ApiBearerAuth()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: GatewayMetrics) {}

  @Get()
  @CheckPolicies('read', 'Metrics')
  @ApiOperation({ summary: "The gateway's metrics in the Prometheus text format." })
  @ApiProduces('text/plain')
  async scrape(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const text = await this.metrics.registry.metrics();
    void reply.type(this.metrics.registry.contentType);
    return text;
  }
}
