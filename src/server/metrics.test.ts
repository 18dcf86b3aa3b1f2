import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MetricsRegistry } from './metrics.js';

describe('metrics registry', () => {
  it('renders counters, gauges and cumulative histogram buckets in the Prometheus text format', async () => {
    const registry = new MetricsRegistry();
    const requests = registry.counter('t_requests_total', 'Requests');
    const latency = registry.histogram('t_latency_seconds', 'Latency', [0.01, 0.1, 1]);
    const jobs = registry.gauge('t_jobs', 'Jobs');
    requests.inc({ route: '/a', status: '200' });
    requests.inc({ status: '200', route: '/a' }, 2);
    requests.inc({ route: '/b "quoted"\n', status: '404' });
    for (const v of [0.005, 0.05, 0.05, 0.5, 5]) latency.observe({ route: '/a' }, v);
    let queued = 3;
    registry.collect(async () => jobs.set({ status: 'queued' }, queued));
    registry.collect(async () => {
      throw new Error('a failing collector is skipped');
    });

    const text = await registry.render();
    assert.match(text, /^# HELP t_requests_total Requests\n# TYPE t_requests_total counter\n/);
    assert.match(text, /^t_requests_total\{route="\/a",status="200"\} 3$/m);
    assert.match(text, /^t_requests_total\{route="\/b \\"quoted\\"\\n",status="404"\} 1$/m);
    assert.match(text, /^# TYPE t_latency_seconds histogram$/m);
    const buckets = [...text.matchAll(/^t_latency_seconds_bucket\{route="\/a",le="([^"]+)"\} (\d+)$/gm)].map(
      (m) => [m[1], Number(m[2])],
    );
    assert.deepEqual(buckets, [
      ['0.01', 1],
      ['0.1', 3],
      ['1', 4],
      ['+Inf', 5],
    ]);
    assert.match(text, /^t_latency_seconds_sum\{route="\/a"\} 5\.605$/m);
    assert.match(text, /^t_latency_seconds_count\{route="\/a"\} 5$/m);
    assert.match(text, /^t_jobs\{status="queued"\} 3$/m);
    queued = 0;
    assert.match(await registry.render(), /^t_jobs\{status="queued"\} 0$/m);
    assert.equal(requests.value({ route: '/a', status: '200' }), 3);
    assert.equal(latency.count({ route: '/a' }), 5);
  });

  it('refuses invalid names, duplicate metrics and unordered buckets', () => {
    const registry = new MetricsRegistry();
    registry.counter('ok_total', 'x');
    assert.throws(() => registry.counter('ok_total', 'again'), /registered twice/);
    assert.throws(() => registry.counter('bad-name', 'x'), /invalid metric name/);
    assert.throws(() => registry.histogram('h', 'x', [1, 0.5]), /must increase/);
  });
});
