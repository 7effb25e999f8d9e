export * from './plan.types';
export { PLAN_NAME, PlanDto, PlanFileDto, PlanOverrideDto, validatePlanFile, type PlanFile, type PlanIssue } from './plan.schema';
export { loadPlanSet, parsePlanSet, planSetVersion, PlanSetError, type PlanFileText, type PlanSetResult } from './plan-set.loader';
export * from './plan.store';
export * from './plan.resolver';
export * from './plans.module';
