import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Scope } from '@infergate/contracts';

/** An API key `ig_<id>_<secret>`: only the id and a keyed hash of the secret are stored. */
@Entity({ name: 'api_keys' })
export class ApiKeyEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  id!: string;

  @Column({ name: 'application_id', type: 'varchar', length: 36 })
  applicationId!: string;

  @Column({ name: 'org_id', type: 'varchar', length: 36 })
  orgId!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ name: 'key_hash', type: 'varchar', length: 128 })
  keyHash!: string;

  @Column({ type: 'simple-json' })
  scopes!: Scope[];

  @Column({ name: 'expires_at', type: Date, nullable: true })
  expiresAt!: Date | null;

  @Column({ name: 'revoked_at', type: Date, nullable: true })
  revokedAt!: Date | null;

  @Column({ name: 'last_used_at', type: Date, nullable: true })
  lastUsedAt!: Date | null;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;
}
