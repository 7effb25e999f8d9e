import { Injectable } from '@nestjs/common';
import type { ModelCost } from '@infergate/model-registry';
import { QuotaService, type ThrottledRequest } from '@infergate/throttling';

/** Quota units a call spends in total: `units` per request, or per input element (rows, tensor elements, tokens). */
export function callCost(cost: ModelCost, elements: number): number {
  return cost.per === 'element' ? cost.units * Math.max(1, elements) : cost.units;
}

/**
 * The rest of an inference call's quota cost. The RateLimitGuard charges 1 unit before the handler runs
 * (it cannot know the version or the element count yet); once the contract check has counted the
 * elements, the remaining `total - 1` units are charged against the same quotas through the
 * QuotaService, atomically, before anything goes upstream. A refusal is the guard's own 429
 * quota-exhausted problem.
 */
@Injectable()
export class InferenceCostCharger {
  constructor(private readonly quotas: QuotaService) {}

  chargeRemainder(request: ThrottledRequest, totalUnits: number): Promise<void> {
    return this.quotas.chargeUnits(request, Math.ceil(totalUnits) - 1);
  }
}
