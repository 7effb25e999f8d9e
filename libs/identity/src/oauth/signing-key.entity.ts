import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A token signing key. `pending` keys are published in the JWKS but do not sign yet; `active` signs;
 * `retired` stays published until `expiresAt`, when every token it signed has expired.
 */
@Entity({ name: 'signing_keys' })
export class SigningKeyEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  kid!: string;

  @Column({ type: 'varchar', length: 16 })
  algorithm!: 'ES256' | 'RS256' | 'EdDSA';

  @Column({ name: 'public_jwk', type: 'simple-json' })
  publicJwk!: Record<string, unknown>;

  /** The private JWK, encrypted with the master key (see crypto/secret-box.ts). */
  @Column({ name: 'private_key', type: 'text' })
  privateKey!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: 'pending' | 'active' | 'retired';

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;

  @Column({ name: 'activates_at', type: Date })
  activatesAt!: Date;

  @Column({ name: 'retires_at', type: Date, nullable: true })
  retiresAt!: Date | null;

  @Column({ name: 'expires_at', type: Date, nullable: true })
  expiresAt!: Date | null;
}
