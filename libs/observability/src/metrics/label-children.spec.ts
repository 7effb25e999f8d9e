import { GatewayMetrics } from './gateway-metrics';
import { LabelChildren } from './label-children';

describe('LabelChildren', () => {
  it('resolves each distinct label tuple once and counts into the right series', async () => {
    const metrics = new GatewayMetrics();
    let resolved = 0;
    const children = new LabelChildren((scope, outcome) => {
      resolved += 1;
      return metrics.rateLimitDecisions.labels(scope, outcome);
    });
    children.of('all', 'allowed').inc();
    children.of('all', 'allowed').inc();
    children.of('model', 'limited').inc();
    // A tuple whose values joined with a space would equal another's is still its own series.
    children.of('all allowed', '').inc();
    expect(resolved).toBe(3);
    const text = await metrics.registry.metrics();
    expect(text).toContain('infergate_rate_limit_decisions_total{scope="all",outcome="allowed"} 2');
    expect(text).toContain('infergate_rate_limit_decisions_total{scope="model",outcome="limited"} 1');
    expect(text).toContain('infergate_rate_limit_decisions_total{scope="all allowed",outcome=""} 1');
  });
});
