import { Module } from '@nestjs/common';
import { ContractCompiler } from './contract/contract-compiler';
import { ContractValidator } from './contract/contract-validator';
import { PiiScanner } from './pii/pii-scanner';

/** Input contracts (compiled and cached) and PII scanning, for the registry and inference modules. */
@Module({
  providers: [ContractCompiler, ContractValidator, PiiScanner],
  exports: [ContractCompiler, ContractValidator, PiiScanner],
})
export class ValidationModule {}
