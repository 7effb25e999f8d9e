import { Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DatabaseService } from '@infergate/database';
import { InvalidTokenException } from '../authentication/authentication.errors';
import { type Principal, type RoleGrant, CLEARANCES, Clearance, ROLES, Role } from '@infergate/contracts';
import { OrganizationEntity } from '../tenancy/organization.entity';
import { ProjectEntity } from '../tenancy/project.entity';
import { loadRoleGrants } from '../tenancy/role-grants';
import { UserEntity } from '../tenancy/user.entity';
import type { MappedClaims } from './external-claims';
import type { TrustedIssuerEntity } from './trusted-issuer.entity';

const DIRECTORY_TTL_MS = 60_000;
const USER_TOUCH_INTERVAL_MS = 60_000;
const MAX_TRACKED = 100_000;

interface OrgRecord {
  org: OrganizationEntity | null;
  projectIds: Set<string>;
  loadedAt: number;
}

/**
 * The users row id of an external user: derived from issuer and subject, so that a principal can be
 * built without a database round trip and the row written off the hot path.
 */
export function externalUserId(issuer: string, subject: string): string {
  const hex = createHash('sha256').update(`${issuer}\u0000${subject}`).digest('hex');
  // Shaped like a UUID (version 8, RFC 9562 "custom") so it fits the 36-character id columns.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Turns an external token's mapped claims into a Principal: the organization must be the issuer's own
 * (or, for a platform-wide issuer, an existing active organization); projects must belong to it;
 * clearance is capped by the organization's; `platform-admin` is honoured only from a platform-wide
 * issuer. Users are remembered in the users table, at most once a minute each, off the request path.
 */
@Injectable()
export class ExternalPrincipalFactory {
  private readonly logger = new Logger(ExternalPrincipalFactory.name);
  private readonly orgs = new Map<string, OrgRecord>();
  private readonly userGrants = new Map<string, { grants: RoleGrant[]; loadedAt: number }>();
  private readonly touchedUsers = new Map<string, number>();

  constructor(private readonly database: DatabaseService) {}

  async build(
    mapped: MappedClaims,
    issuer: TrustedIssuerEntity,
    expiresAt: number | undefined,
    tokenId: string | undefined,
  ): Promise<Principal> {
    const orgId = this.orgIdOf(mapped.org, issuer);
    const record = orgId ? await this.organization(orgId) : undefined;
    if (orgId && (!record?.org || record.org.status !== 'active'))
      throw new InvalidTokenException(record?.org ? 'client_disabled' : 'invalid_claim');
    const org = record?.org ?? null;

    const subject = mapped.kind === 'user' ? externalUserId(issuer.issuer, mapped.subject) : mapped.subject;
    const tokenGrants = this.grantsOf(mapped.roles, orgId, issuer.orgId === null, record?.projectIds);
    const boundGrants = mapped.kind === 'user' ? await this.boundGrants(subject) : [];
    if (mapped.kind === 'user') this.touchUser(subject, issuer, orgId, mapped);

    return {
      kind: mapped.kind,
      subject,
      clientId: mapped.clientId,
      orgId,
      projectIds: mapped.projects.filter((id) => record?.projectIds.has(id)),
      roles: dedupe([...tokenGrants, ...boundGrants]),
      scopes: mapped.scopes,
      clearance: org ? capClearance(mapped.clearance, org.maxClearance) : mapped.clearance,
      allowedRegions: regionsOf(mapped.regions, org?.allowedRegions ?? []),
      allowedCidrs: org?.allowedCidrs ?? [],
      authMethod: 'external_token',
      issuer: issuer.issuer,
      tokenId,
      expiresAt,
    };
  }

  private orgIdOf(claim: unknown, issuer: TrustedIssuerEntity): string | null {
    if (claim !== undefined && (typeof claim !== 'string' || claim.length === 0 || claim.length > 36))
      throw new InvalidTokenException('invalid_claim');
    if (issuer.orgId) {
      if (claim !== undefined && claim !== issuer.orgId) throw new InvalidTokenException('invalid_claim');
      return issuer.orgId;
    }
    return claim ?? null;
  }

  private grantsOf(roles: string[], orgId: string | null, platformIssuer: boolean, projects: Set<string> | undefined): RoleGrant[] {
    const grants: RoleGrant[] = [];
    for (const encoded of roles) {
      const [role, projectId] = encoded.split('@', 2) as [string, string | undefined];
      if (!(ROLES as readonly string[]).includes(role)) continue;
      if (role === 'platform-admin') {
        if (platformIssuer && !projectId) grants.push({ role, orgId: null, projectId: null });
        continue;
      }
      if (!orgId || (projectId !== undefined && !projects?.has(projectId))) continue;
      grants.push({ role: role as Role, orgId, projectId: projectId ?? null });
    }
    return grants;
  }

  private async organization(orgId: string): Promise<OrgRecord> {
    const cached = this.orgs.get(orgId);
    if (cached && Date.now() - cached.loadedAt < DIRECTORY_TTL_MS) return cached;
    const [org, projects] = await Promise.all([
      this.database.repository(OrganizationEntity).findOne({ where: { id: orgId } }),
      this.database.repository(ProjectEntity).find({ where: { orgId }, select: { id: true } }),
    ]);
    const record: OrgRecord = { org, projectIds: new Set(projects.map((project) => project.id)), loadedAt: Date.now() };
    if (this.orgs.size >= MAX_TRACKED) this.orgs.clear();
    this.orgs.set(orgId, record);
    return record;
  }

  private async boundGrants(userId: string): Promise<RoleGrant[]> {
    const cached = this.userGrants.get(userId);
    if (cached && Date.now() - cached.loadedAt < DIRECTORY_TTL_MS) return cached.grants;
    const grants = await loadRoleGrants(this.database, 'user', userId);
    if (this.userGrants.size >= MAX_TRACKED) this.userGrants.clear();
    this.userGrants.set(userId, { grants, loadedAt: Date.now() });
    return grants;
  }

  private touchUser(id: string, issuer: TrustedIssuerEntity, orgId: string | null, mapped: MappedClaims): void {
    const now = Date.now();
    const last = this.touchedUsers.get(id);
    if (last !== undefined && now - last < USER_TOUCH_INTERVAL_MS) return;
    if (this.touchedUsers.size >= MAX_TRACKED) this.touchedUsers.clear();
    this.touchedUsers.set(id, now);
    void this.upsertUser(id, issuer.issuer, orgId, mapped).catch((error: unknown) => {
      this.logger.warn({ event: 'identity.user_upsert_failed', userId: id, err: error }, 'could not record external user');
    });
  }

  private async upsertUser(id: string, issuer: string, orgId: string | null, mapped: MappedClaims): Promise<void> {
    const users = this.database.repository(UserEntity);
    const seen = new Date();
    const profile = { orgId, email: mapped.email ?? null, displayName: mapped.displayName?.slice(0, 200) ?? null, lastSeenAt: seen };
    const updated = await users.update({ issuer, subject: mapped.subject }, profile);
    if (!updated.affected) await users.insert({ id, issuer, subject: mapped.subject, createdAt: seen, ...profile });
  }
}

function capClearance(claimed: Clearance, max: Clearance): Clearance {
  return CLEARANCES.indexOf(claimed) <= CLEARANCES.indexOf(max) ? claimed : max;
}

function regionsOf(claimed: string[] | undefined, allowed: string[]): string[] {
  if (claimed === undefined) return allowed;
  return allowed.length === 0 ? claimed : claimed.filter((region) => allowed.includes(region));
}

function dedupe(grants: RoleGrant[]): RoleGrant[] {
  const seen = new Set<string>();
  return grants.filter((grant) => {
    const key = `${grant.role}|${grant.orgId ?? ''}|${grant.projectId ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
