import { Inject, Injectable } from '@nestjs/common';
import { Brackets, type SelectQueryBuilder } from 'typeorm';
import { DatabaseService } from '@infergate/database';
import type { AccessPolicy, Principal } from '@infergate/contracts';
import { AuditEventEntity } from '../audit-event.entity';
import { auditEventView, type AuditEventView } from './audit-event.view';
import { decodeCursor, encodeCursor, type AuditCursor, type ListAuditEvents } from './audit-events.query';

const EXPORT_PAGE = 1000;

/**
 * The access policy (identity's ACCESS_POLICY) as this library receives it: identity imports this
 * library for AuditService, so the token is handed in by the composition root
 * (AuditServerModule.forRoot) rather than imported, and the two libraries stay out of a cycle.
 */
export const AUDIT_ACCESS_POLICY = Symbol('AuditAccessPolicy');

export interface AuditEventPage {
  items: AuditEventView[];
  /** Pass as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
}

/**
 * Reads the audit trail for a principal: the policy set's conditions on AuditEvent become SQL
 * (ACCESS_POLICY.restrictQuery), so an auditor's query, whatever its filters, only ever reaches its
 * organization's rows. Oldest first, keyset-paged on (occurredAt, id): pages stay stable while events
 * keep arriving, and an export can resume from a cursor.
 */
@Injectable()
export class AuditQueryService {
  constructor(
    private readonly database: DatabaseService,
    @Inject(AUDIT_ACCESS_POLICY) private readonly policy: AccessPolicy,
  ) {}

  async page(principal: Principal, query: ListAuditEvents): Promise<AuditEventPage> {
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const rows = await this.select(principal, query, after)
      .take(query.limit + 1)
      .getMany();
    const items = rows.slice(0, query.limit);
    const last = items[items.length - 1];
    return {
      items: items.map(auditEventView),
      nextCursor: rows.length > query.limit && last ? encodeCursor({ occurredAt: last.occurredAt, id: last.id }) : null,
    };
  }

  /** Every matching event, in order, read a page at a time (memory stays flat however many there are). */
  async *export(principal: Principal, query: ListAuditEvents): AsyncGenerator<AuditEventView> {
    let after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    for (;;) {
      const rows = await this.select(principal, query, after).take(EXPORT_PAGE).getMany();
      for (const row of rows) yield auditEventView(row);
      if (rows.length < EXPORT_PAGE) return;
      const last = rows[rows.length - 1];
      after = { occurredAt: last.occurredAt, id: last.id };
    }
  }

  private select(principal: Principal, query: ListAuditEvents, after: AuditCursor | undefined): SelectQueryBuilder<AuditEventEntity> {
    const rows = this.database.repository(AuditEventEntity).createQueryBuilder('event');
    this.policy.restrictQuery(rows, 'event', principal, 'read', 'AuditEvent');
    if (query.from !== undefined) rows.andWhere('event.occurredAt >= :from', { from: new Date(query.from) });
    if (query.to !== undefined) rows.andWhere('event.occurredAt < :to', { to: new Date(query.to) });
    if (query.actor !== undefined) rows.andWhere('event.actorId = :actor', { actor: query.actor });
    if (query.orgId !== undefined) rows.andWhere('event.orgId = :orgId', { orgId: query.orgId });
    if (query.outcome !== undefined) rows.andWhere('event.outcome = :outcome', { outcome: query.outcome });
    if (query.action !== undefined) {
      if (query.action.endsWith('*')) {
        // substr rather than LIKE: exact and case-sensitive on both drivers, and no wildcard escaping.
        const prefix = query.action.slice(0, -1);
        rows.andWhere('substr(event.action, 1, :prefixLength) = :prefix', { prefix, prefixLength: Array.from(prefix).length });
      } else {
        rows.andWhere('event.action = :action', { action: query.action });
      }
    }
    if (after) {
      rows.andWhere(
        new Brackets((where) =>
          where
            .where('event.occurredAt > :afterTime', { afterTime: after.occurredAt })
            .orWhere('event.occurredAt = :afterTime AND event.id > :afterId', { afterId: after.id }),
        ),
      );
    }
    return rows.orderBy('event.occurredAt', 'ASC').addOrderBy('event.id', 'ASC');
  }
}
