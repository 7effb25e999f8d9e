import { Module } from '@nestjs/common';
import { IdentityCoreModule } from '../identity-core.module';

/** Organizations, projects, applications, users and role bindings, with their admin API. */
@Module({ imports: [IdentityCoreModule] })
export class TenancyModule {}
