import { CreateAuditEvents1764130000000 } from './1764130000000-create-audit-events';

/** Every migration, in order. Listed explicitly so that compiled and bundled builds find them alike. */
export const MIGRATIONS = [CreateAuditEvents1764130000000];
