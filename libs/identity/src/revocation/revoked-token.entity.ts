import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The durable record of a revoked token id, kept until the token would have expired anyway. */
@Entity({ name: 'revoked_tokens' })
export class RevokedTokenEntity {
  @PrimaryColumn({ type: 'varchar', length: 128 })
  jti!: string;

  @Column({ name: 'expires_at', type: Date })
  expiresAt!: Date;

  @Column({ name: 'revoked_at', type: Date })
  revokedAt!: Date;
}
