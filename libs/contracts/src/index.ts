export * from './tenancy.types';
export * from './principal';
export * from './access-policy';
export * from './current-principal.decorator';
