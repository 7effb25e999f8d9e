import { FactoryProvider, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type Redis from 'ioredis';
import { AuditModule } from '@infergate/audit';
import { DatabaseCoreModule, REDIS_CLIENT, REDIS_KEY_PREFIX } from '@infergate/database';
import { ApiKeyEntity } from './api-keys/api-key.entity';
import { FailedAuthLimiter } from './authentication/failed-auth.limiter';
import { MasterKey } from './crypto/master-key';
import { SecretBox } from './crypto/secret-box';
import { SigningKeyEntity } from './oauth/signing-key.entity';
import { MemoryRevocationStore } from './revocation/memory-revocation.store';
import { RedisRevocationStore } from './revocation/redis-revocation.store';
import { REVOCATION_STORE, RevocationStore } from './revocation/revocation-store.interface';
import { RevocationService } from './revocation/revocation.service';
import { RevokedTokenEntity } from './revocation/revoked-token.entity';
import { ApplicationEntity } from './tenancy/application.entity';
import { OrganizationEntity } from './tenancy/organization.entity';
import { ProjectEntity } from './tenancy/project.entity';
import { RoleBindingEntity } from './tenancy/role-binding.entity';
import { UserEntity } from './tenancy/user.entity';
import { TrustedIssuerEntity } from './tokens/trusted-issuer.entity';

export const IDENTITY_ENTITIES = [
  OrganizationEntity,
  ProjectEntity,
  ApplicationEntity,
  UserEntity,
  RoleBindingEntity,
  SigningKeyEntity,
  TrustedIssuerEntity,
  ApiKeyEntity,
  RevokedTokenEntity,
];

const revocationStoreProvider: FactoryProvider<RevocationStore> = {
  provide: REVOCATION_STORE,
  inject: [REDIS_KEY_PREFIX, REDIS_CLIENT],
  useFactory: (keyPrefix: string, redis: Redis | null) =>
    redis ? new RedisRevocationStore(redis, keyPrefix) : new MemoryRevocationStore(),
};

/** What every part of the identity module shares: entities, the master key, revocation, failure limiting. */
@Module({
  imports: [TypeOrmModule.forFeature(IDENTITY_ENTITIES), DatabaseCoreModule, AuditModule],
  providers: [MasterKey, SecretBox, revocationStoreProvider, RevocationService, FailedAuthLimiter],
  exports: [TypeOrmModule, DatabaseCoreModule, AuditModule, MasterKey, SecretBox, REVOCATION_STORE, RevocationService, FailedAuthLimiter],
})
export class IdentityCoreModule {}
