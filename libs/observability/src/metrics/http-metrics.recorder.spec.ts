import { GatewayMetrics } from './gateway-metrics';
import { HttpMetricsRecorder, UNMATCHED_ROUTE } from './http-metrics.recorder';

describe(HttpMetricsRecorder.name, () => {
  let metrics: GatewayMetrics;
  let sut: HttpMetricsRecorder;

  beforeEach(() => {
    metrics = new GatewayMetrics({ processMetrics: false });
    sut = new HttpMetricsRecorder(metrics);
  });

  it('counts by route template, method and status, and times by status class', async () => {
    sut.record('/v1/models/:model/infer', 'POST', 200, 0.004);
    sut.record('/v1/models/:model/infer', 'POST', 200, 0.006);
    sut.record('/v1/models/:model/infer', 'POST', 503, 0.5);
    const requests = (await metrics.httpRequests.get()).values;
    expect(requests).toEqual(
      expect.arrayContaining([
        { labels: { route: '/v1/models/:model/infer', method: 'POST', status: '200' }, value: 2 },
        { labels: { route: '/v1/models/:model/infer', method: 'POST', status: '503' }, value: 1 },
      ]),
    );
    const counts = (await metrics.httpDuration.get()).values.filter(
      (v) => v.metricName === 'infergate_http_request_duration_seconds_count',
    );
    expect(counts.map((v) => [v.labels.status_class, v.value]).sort()).toEqual([
      ['2xx', 2],
      ['5xx', 1],
    ]);
    const sum = (await metrics.httpDuration.get()).values.find(
      (v) => v.metricName === 'infergate_http_request_duration_seconds_sum' && v.labels.status_class === '2xx',
    );
    expect(sum?.value).toBeCloseTo(0.01, 6);
  });

  it('labels requests no route matched as "unmatched", whatever their path', async () => {
    sut.record(undefined, 'GET', 404, 0.001);
    sut.record(undefined, 'GET', 404, 0.001);
    const values = (await metrics.httpRequests.get()).values;
    expect(values).toEqual([{ labels: { route: UNMATCHED_ROUTE, method: 'GET', status: '404' }, value: 2 }]);
  });
});
