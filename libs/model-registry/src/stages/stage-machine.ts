import type { ModelStage } from '../model-registry.types';

/**
 * The stages a version may move to from each stage. Forward along the lifecycle, plus the few steps
 * back a release needs: staging → draft (rework), production → staging (pulled before anyone relied
 * on it), deprecated → production (deprecation withdrawn). Draft and staging may be archived directly
 * (abandoned); archived is terminal.
 */
export const STAGE_TRANSITIONS: Readonly<Record<ModelStage, readonly ModelStage[]>> = Object.freeze({
  draft: ['staging', 'archived'],
  staging: ['production', 'draft', 'archived'],
  production: ['deprecated', 'staging'],
  deprecated: ['archived', 'production'],
  archived: [],
});

/** Moving into these stages changes what callers get, so the mover must say why. */
export const STAGES_REQUIRING_REASON: readonly ModelStage[] = ['production', 'deprecated', 'archived'];

/** The stages `from` may move to. */
export function allowedTransitions(from: ModelStage): readonly ModelStage[] {
  return STAGE_TRANSITIONS[from];
}

export function isTransitionAllowed(from: ModelStage, to: ModelStage): boolean {
  return STAGE_TRANSITIONS[from].includes(to);
}

export function transitionNeedsReason(to: ModelStage): boolean {
  return STAGES_REQUIRING_REASON.includes(to);
}
