import { Module } from '@nestjs/common';
import { ProblemValidationPipe } from './problem-validation.pipe';

/**
 * The DTO validation pipe, one instance per application. The application registers it as the global
 * pipe in its root module: `{ provide: APP_PIPE, useExisting: ProblemValidationPipe }` (one place lists
 * every APP_* provider), so that importing this module twice never validates a parameter twice.
 */
@Module({
  providers: [ProblemValidationPipe],
  exports: [ProblemValidationPipe],
})
export class ValidationPipeModule {}
