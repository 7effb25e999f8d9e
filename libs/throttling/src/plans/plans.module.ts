import { DynamicModule, Module } from '@nestjs/common';
import { AuditModule } from '@infergate/audit';
import { PlanResolver } from './plan.resolver';
import { PlanStore } from './plan.store';
import { PLAN_SOURCE } from './plan.types';

/**
 * The plan set of `throttling.plansDir` (THROTTLING_OPTIONS) under PLAN_SOURCE (and as PlanStore, for
 * reloads), and the PlanResolver. The application does not start without a valid set.
 */
@Module({})
export class PlansModule {
  static forRoot(): DynamicModule {
    return {
      module: PlansModule,
      imports: [AuditModule],
      providers: [PlanStore, { provide: PLAN_SOURCE, useExisting: PlanStore }, PlanResolver],
      exports: [PlanStore, PLAN_SOURCE, PlanResolver],
    };
  }
}
