import { MODEL_STAGES, type ModelStage } from '../model-registry.types';
import { allowedTransitions, isTransitionAllowed, STAGE_TRANSITIONS, transitionNeedsReason } from './stage-machine';

describe('stage machine', () => {
  it('follows the lifecycle forward: draft → staging → production → deprecated → archived', () => {
    const path: ModelStage[] = ['draft', 'staging', 'production', 'deprecated', 'archived'];
    for (let i = 0; i + 1 < path.length; i += 1) expect(isTransitionAllowed(path[i], path[i + 1])).toBe(true);
  });

  it('allows exactly the listed steps back and nothing else', () => {
    const allowed = MODEL_STAGES.flatMap((from) =>
      MODEL_STAGES.filter((to) => isTransitionAllowed(from, to)).map((to) => `${from}->${to}`),
    );
    expect(allowed.sort()).toEqual(
      [
        'draft->staging',
        'draft->archived',
        'staging->production',
        'staging->draft',
        'staging->archived',
        'production->deprecated',
        'production->staging',
        'deprecated->archived',
        'deprecated->production',
      ].sort(),
    );
  });

  it('never skips staging on the way to production, nor leaves archived', () => {
    expect(isTransitionAllowed('draft', 'production')).toBe(false);
    expect(isTransitionAllowed('draft', 'deprecated')).toBe(false);
    expect(allowedTransitions('archived')).toEqual([]);
    for (const to of MODEL_STAGES) expect(isTransitionAllowed('archived', to)).toBe(false);
  });

  it('refuses a transition to the same stage', () => {
    for (const stage of MODEL_STAGES) expect(isTransitionAllowed(stage, stage)).toBe(false);
  });

  it('requires a reason for production, deprecated and archived only', () => {
    expect(MODEL_STAGES.filter(transitionNeedsReason)).toEqual(['production', 'deprecated', 'archived']);
  });

  it('has a row for every stage and cannot be changed at run time', () => {
    expect(Object.keys(STAGE_TRANSITIONS).sort()).toEqual([...MODEL_STAGES].sort());
    expect(Object.isFrozen(STAGE_TRANSITIONS)).toBe(true);
  });
});
