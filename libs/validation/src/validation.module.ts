import { Module } from '@nestjs/common';
import { ContractCompiler } from './contract/contract-compiler';
import { PiiScanner } from './pii/pii-scanner';

/** Input contracts (compiled and cached) and PII scanning, for the registry and inference modules. */
@Module({
  providers: [ContractCompiler, PiiScanner],
  exports: [ContractCompiler, PiiScanner],
})
export class ValidationModule {}
