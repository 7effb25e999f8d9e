import { Injectable, Logger } from '@nestjs/common';
import { In } from 'typeorm';
import { DatabaseService } from '@infergate/database';
import type { CertificateAuthenticator } from '../authentication/credential-verifiers';
import { type Principal, CLEARANCES, Clearance } from '@infergate/contracts';
import { ApplicationEntity } from '../tenancy/application.entity';
import { OrganizationEntity } from '../tenancy/organization.entity';
import { ProjectEntity } from '../tenancy/project.entity';
import { loadRoleGrants } from '../tenancy/role-grants';
import { CertificateMatch, matchCertificate } from './certificate-match';
import type { ClientCertificate } from './client-certificate';

/** How long a lookup is reused: a disabled application or a new registration takes effect within this. */
export const CERTIFICATE_LOOKUP_TTL_MS = 15_000;
const CACHE_SIZE = 10_000;
/** More candidates than this for one certificate is a registration mistake, not something to choose from. */
const MAX_CANDIDATES = 10;

interface CacheEntry {
  expiresAt: number;
  lookup: Promise<Principal | undefined>;
}

/**
 * Maps a verified client certificate to an active `tls_client_auth` application of an active
 * organization (CERTIFICATE_AUTHENTICATOR), by thumbprint or subject alternative name (see
 * certificate-match.ts). A thumbprint match wins over a SAN match; two applications matching alike is
 * ambiguous and authenticates neither. Lookups, found or not, are cached per thumbprint for
 * CERTIFICATE_LOOKUP_TTL_MS.
 */
@Injectable()
export class ApplicationCertificateAuthenticator implements CertificateAuthenticator {
  private readonly logger = new Logger(ApplicationCertificateAuthenticator.name);
  private readonly cache = new Map<string, CacheEntry>();

  constructor(private readonly database: DatabaseService) {}

  async authenticate(certificate: ClientCertificate): Promise<Principal | undefined> {
    const now = Date.now();
    let entry = this.cache.get(certificate.thumbprint);
    if (!entry || entry.expiresAt <= now) {
      const lookup = this.lookup(certificate);
      entry = { expiresAt: now + CERTIFICATE_LOOKUP_TTL_MS, lookup };
      this.remember(certificate.thumbprint, entry);
      // A database failure is not an answer to cache.
      const cached = entry;
      void lookup.catch(() => {
        if (this.cache.get(certificate.thumbprint) === cached) this.cache.delete(certificate.thumbprint);
      });
    }
    const principal = await entry.lookup;
    return principal && { ...principal, projectIds: [...principal.projectIds], roles: [...principal.roles], scopes: [...principal.scopes] };
  }

  /** Forgets every cached lookup, e.g. after an application's certificate registration changed. */
  clear(): void {
    this.cache.clear();
  }

  private async lookup(certificate: ClientCertificate): Promise<Principal | undefined> {
    const application = await this.findApplication(certificate);
    if (!application) return undefined;
    const organization = await this.database.repository(OrganizationEntity).findOne({ where: { id: application.orgId } });
    if (organization?.status !== 'active') return undefined;
    if (application.projectId) {
      const project = await this.database.repository(ProjectEntity).findOne({ where: { id: application.projectId } });
      if (project?.status !== 'active' || project.orgId !== application.orgId) return undefined;
    }
    return {
      kind: 'application',
      subject: application.id,
      clientId: application.clientId,
      orgId: application.orgId,
      projectIds: application.projectId ? [application.projectId] : [],
      roles: await loadRoleGrants(this.database, 'application', application.id),
      scopes: [...application.allowedScopes],
      clearance: lowerOf(application.clearance, organization.maxClearance),
      allowedRegions: [...application.allowedRegions],
      allowedCidrs: [...application.allowedCidrs],
      authMethod: 'client_certificate',
      certificateThumbprint: certificate.thumbprint,
    };
  }

  private async findApplication(certificate: ClientCertificate): Promise<ApplicationEntity | undefined> {
    const active = { authMethod: 'tls_client_auth' as const, status: 'active' as const };
    const where = [{ ...active, tlsCertThumbprint: certificate.thumbprint }];
    const sans = certificate.subjectAltNames;
    const candidates = await this.database.repository(ApplicationEntity).find({
      where: sans.length > 0 ? [...where, { ...active, tlsSubjectSan: In(sans) }] : where,
      take: MAX_CANDIDATES + 1,
    });
    const matches = new Map<CertificateMatch, ApplicationEntity[]>();
    for (const candidate of candidates) {
      const match = candidate.disabledAt === null ? matchCertificate(candidate, certificate) : undefined;
      if (match) matches.set(match, [...(matches.get(match) ?? []), candidate]);
    }
    const best = matches.get('thumbprint') ?? matches.get('subject-alt-name') ?? [];
    if (best.length > 1 || candidates.length > MAX_CANDIDATES) {
      this.logger.warn(
        { event: 'mtls.ambiguous_certificate', thumbprint: certificate.thumbprint, applications: best.map((a) => a.id) },
        'a client certificate matches more than one application; none is authenticated',
      );
      return undefined;
    }
    return best[0];
  }

  private remember(thumbprint: string, entry: CacheEntry): void {
    this.cache.delete(thumbprint);
    if (this.cache.size >= CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(thumbprint, entry);
  }
}

/** The lower of two clearances; a value that is not a clearance counts as the lowest. */
function lowerOf(a: Clearance, b: Clearance): Clearance {
  return CLEARANCES[Math.max(0, Math.min(CLEARANCES.indexOf(a), CLEARANCES.indexOf(b)))];
}
