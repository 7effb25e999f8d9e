import type { PlanSet } from '../rate-limit.types';

/** The active plan set, swapped whole on a valid reload. */
export interface PlanSource {
  current(): PlanSet;
  onChange(listener: (set: PlanSet) => void): void;
}

export const PLAN_SOURCE = Symbol('PlanSource');

/** Whose limits: the organization (by id, or by name in plans/assignments.yaml), and optional overrides. */
export interface PlanSubject {
  orgId: string;
  orgName?: string;
  applicationId?: string;
  projectId?: string;
}
