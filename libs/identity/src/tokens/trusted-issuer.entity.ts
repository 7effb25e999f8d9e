import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { EntityStatus } from '@infergate/contracts';

/** Which claims of an external token carry the attributes the gateway needs. */
export interface ClaimMapping {
  org?: string;
  roles?: string;
  scopes?: string;
  clearance?: string;
  projects?: string;
  regions?: string;
}

/** An external identity provider whose tokens the gateway accepts. */
@Entity({ name: 'trusted_issuers' })
export class TrustedIssuerEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 255 })
  issuer!: string;

  /** Tokens of this issuer belong to this organization unless a mapped claim names another it may speak for. */
  @Column({ name: 'org_id', type: 'varchar', length: 36, nullable: true })
  orgId!: string | null;

  @Column({ name: 'jwks_uri', type: 'varchar', length: 1024, nullable: true })
  jwksUri!: string | null;

  /** Find jwks_uri (and introspection endpoint) through OIDC discovery at the issuer. */
  @Column({ type: 'boolean', default: false })
  discovery!: boolean;

  @Column({ type: 'varchar', length: 255 })
  audience!: string;

  @Column({ type: 'simple-json' })
  algorithms!: string[];

  @Column({ name: 'claim_mapping', type: 'simple-json' })
  claimMapping!: ClaimMapping;

  @Column({ name: 'clock_skew_seconds', type: 'integer', default: 30 })
  clockSkewSeconds!: number;

  @Column({ name: 'introspection_endpoint', type: 'varchar', length: 1024, nullable: true })
  introspectionEndpoint!: string | null;

  @Column({ name: 'introspection_client_id', type: 'varchar', length: 255, nullable: true })
  introspectionClientId!: string | null;

  /** Encrypted with the master key. */
  @Column({ name: 'introspection_client_secret', type: 'text', nullable: true })
  introspectionClientSecret!: string | null;

  @Column({ type: 'varchar', length: 16 })
  status!: EntityStatus;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: Date })
  updatedAt!: Date;
}
