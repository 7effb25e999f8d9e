export * from './plan.types';
export { planSchema, planOverrideSchema, planFileSchema, PLAN_NAME } from './plan.schema';
export { loadPlanSet, parsePlanSet, planSetVersion, PlanSetError, type PlanFileText, type PlanSetResult } from './plan-set.loader';
export * from './plan.store';
export * from './plan.resolver';
export * from './plans.module';
