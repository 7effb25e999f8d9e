import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { AccessForbiddenException, CheckPolicies } from '@infergate/common';
import type { AuthenticatedRequest, Principal } from '@infergate/contracts';
import { AuditQueryService } from './audit-query.service';
import { ListAuditEventsQueryDto } from './audit-events.query';

const NDJSON = 'application/x-ndjson';

/**
 * `GET /v1/admin/audit-events`: the audit trail, filtered and keyset-paged as JSON, or, with
 * `Accept: application/x-ndjson`, every matching event streamed one per line for SIEM ingestion.
 * Readable by auditors (their organization's events) and platform admins (all), per the policy set.
 */
@ApiTags('admin: audit')
@ApiBearerAuth()
@Controller('v1/admin/audit-events')
export class AuditEventsController {
  constructor(private readonly events: AuditQueryService) {}

  @Get()
  @CheckPolicies('read', 'AuditEvent')
  @ApiProduces('application/json', NDJSON)
  @ApiOkResponse({ description: '{ items, nextCursor } (JSON), or one event per line (NDJSON, every matching event)' })
  async list(
    @Req() request: FastifyRequest & AuthenticatedRequest,
    @Res() reply: FastifyReply,
    @Query() query: ListAuditEventsQueryDto,
  ): Promise<void> {
    const principal: Principal | undefined = request.principal;
    if (!principal) throw new AccessForbiddenException();
    if (!wantsNdjson(request.headers.accept)) {
      await reply.send(await this.events.page(principal, query));
      return;
    }
    // The first page is read before the headers go out, so that a failing query is still a problem+json answer.
    const events = this.events.export(principal, query);
    const first = await events.next();
    const lines = async function* (): AsyncGenerator<string> {
      if (first.done) return;
      yield `${JSON.stringify(first.value)}\n`;
      for await (const event of events) yield `${JSON.stringify(event)}\n`;
    };
    await reply.header('content-type', NDJSON).send(Readable.from(lines()));
  }
}

function wantsNdjson(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((part) => part.split(';')[0].trim().toLowerCase() === NDJSON);
}
