import { CreateAuditEvents1764130000000 } from './1764130000000-create-audit-events';
import { CreateIdentity1764140000000 } from './1764140000000-create-identity';
import { CreateModelRegistry1764150000000 } from './1764150000000-create-model-registry';
import { AuditChain1764160000000 } from './1764160000000-audit-chain';

/** Every migration, in order. Listed explicitly so that compiled and bundled builds find them alike. */
export const MIGRATIONS = [
  CreateAuditEvents1764130000000,
  CreateIdentity1764140000000,
  CreateModelRegistry1764150000000,
  AuditChain1764160000000,
];
