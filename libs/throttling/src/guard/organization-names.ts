import { Injectable } from '@nestjs/common';
import { DatabaseService } from '@infergate/database';
import { OrganizationEntity } from '@infergate/identity';

const TTL_MS = 30_000;
const MAX_ENTRIES = 10_000;

/**
 * Organization names for plan assignment (plans name organizations by name or id), read from the
 * tenancy tables and cached briefly: a rename reaches the plan resolver within 30 s.
 */
@Injectable()
export class OrganizationNames {
  private readonly cache = new Map<string, { name: string | null; expiresAt: number }>();

  constructor(private readonly database: DatabaseService) {}

  /** The organization's name, or null when it does not exist. */
  async nameOf(orgId: string): Promise<string | null> {
    const now = Date.now();
    const cached = this.cache.get(orgId);
    if (cached && cached.expiresAt > now) return cached.name;
    const org = await this.database.repository(OrganizationEntity).findOne({ where: { id: orgId }, select: { id: true, name: true } });
    const name = org?.name ?? null;
    if (this.cache.size >= MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(orgId, { name, expiresAt: now + TTL_MS });
    return name;
  }
}
