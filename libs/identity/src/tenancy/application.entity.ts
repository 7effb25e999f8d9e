import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ClientAuthMethod, Clearance, EntityStatus, Scope } from '@infergate/contracts';

/** An OAuth client / service account. Secrets are stored only as keyed hashes. */
@Entity({ name: 'applications' })
export class ApplicationEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'org_id', type: 'varchar', length: 36 })
  orgId!: string;

  @Column({ name: 'project_id', type: 'varchar', length: 36, nullable: true })
  projectId!: string | null;

  @Column({ name: 'client_id', type: 'varchar', length: 64 })
  clientId!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: EntityStatus;

  @Column({ name: 'auth_method', type: 'varchar', length: 32 })
  authMethod!: ClientAuthMethod;

  @Column({ name: 'allowed_scopes', type: 'simple-json' })
  allowedScopes!: Scope[];

  @Column({ name: 'secret_hash', type: 'varchar', length: 128, nullable: true })
  secretHash!: string | null;

  @Column({ name: 'previous_secret_hash', type: 'varchar', length: 128, nullable: true })
  previousSecretHash!: string | null;

  @Column({ name: 'previous_secret_expires_at', type: Date, nullable: true })
  previousSecretExpiresAt!: Date | null;

  /** The client's public keys (a JWK Set) for private_key_jwt. */
  @Column({ type: 'simple-json', nullable: true })
  jwks!: { keys: Record<string, unknown>[] } | null;

  /** SHA-256 thumbprint (base64url) of the client certificate, for tls_client_auth. */
  @Column({ name: 'tls_cert_thumbprint', type: 'varchar', length: 64, nullable: true })
  tlsCertThumbprint!: string | null;

  /** Subject alternative name (DNS, URI or e-mail) the client certificate must carry, for tls_client_auth. */
  @Column({ name: 'tls_subject_san', type: 'varchar', length: 255, nullable: true })
  tlsSubjectSan!: string | null;

  @Column({ type: 'varchar', length: 16 })
  clearance!: Clearance;

  @Column({ name: 'allowed_regions', type: 'simple-json' })
  allowedRegions!: string[];

  @Column({ name: 'allowed_cidrs', type: 'simple-json' })
  allowedCidrs!: string[];

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: Date })
  updatedAt!: Date;

  @Column({ name: 'disabled_at', type: Date, nullable: true })
  disabledAt!: Date | null;
}
