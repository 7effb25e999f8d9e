export * from './ability.types';
export { buildAbility, scopesThatWouldAllow, clearanceLevelsOf, type BuildAbilityOptions } from './ability.factory';
export * from './ability.cache';
export * from './authorization.errors';
export { asSubject, NO_ALLOW_RULE } from './decision';
export { CaslAccessPolicy, readableFieldsByAbility, restrictQueryByAbility } from './casl-access-policy';
export * from './policies.guard';
export { mongoQueryToSql, type SqlCondition } from './typeorm-conditions';
