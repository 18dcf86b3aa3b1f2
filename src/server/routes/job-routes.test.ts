import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testBackend } from '../../db/testing/test-database.js';
import type { JobHandler } from '../../jobs/job-handler.js';
import { startTestServer, waitForJob } from '../testing/test-server.js';

/** A job type for this test: reports progress, then waits until cancelled. */
const waitUntilCancelled: JobHandler = async (_payload, ctx) => {
  ctx.progress(0.25, 'waiting');
  await new Promise<void>((resolve) => {
    if (ctx.signal.aborted) resolve();
    ctx.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  ctx.signal.throwIfAborted();
  return null;
};

describe(`[${testBackend()}] jobs API`, () => {
  it('lists and reads jobs with progress; analysts cancel running and queued jobs; viewers cannot', async (t) => {
    const server = await startTestServer({}, { handlers: { wait: waitUntilCancelled } });
    t.after(() => server.close());
    // Concurrency 1: the first job runs, the second stays queued behind it.
    const running = await server.jobs.enqueue('wait', {}, { createdBy: server.tokens.analyst.id });
    const queued = await server.jobs.enqueue('wait', {}, { createdBy: server.tokens.analyst.id });
    const deadline = Date.now() + 10_000;
    let job = (await server.call('GET', `/v1/jobs/${running.id}`, { as: 'viewer' })).json;
    while (job.status !== 'running' && Date.now() < deadline) {
      await new Promise((ok) => setTimeout(ok, 50));
      job = (await server.call('GET', `/v1/jobs/${running.id}`, { as: 'viewer' })).json;
    }
    assert.equal(job.status, 'running');

    const list = await server.call('GET', '/v1/jobs?type=wait', { as: 'viewer' });
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(
      list.json.items.map((j: { id: string }) => j.id),
      [queued.id, running.id],
    );
    const onlyQueued = await server.call('GET', '/v1/jobs?status=queued', { as: 'viewer' });
    assert.deepEqual(
      onlyQueued.json.items.map((j: { id: string }) => j.id),
      [queued.id],
    );

    assert.equal((await server.call('POST', `/v1/jobs/${queued.id}/cancel`, { as: 'viewer' })).status, 403);
    const cancelQueued = await server.call('POST', `/v1/jobs/${queued.id}/cancel`, { as: 'analyst' });
    assert.equal(cancelQueued.status, 200, cancelQueued.text);
    assert.equal(cancelQueued.json.status, 'cancelled');
    const cancelRunning = await server.call('POST', `/v1/jobs/${running.id}/cancel`, { as: 'analyst' });
    assert.equal(cancelRunning.status, 200, cancelRunning.text);
    const stopped = await waitForJob(server, running.id, 10_000);
    assert.equal(stopped.status, 'cancelled');
    // Cancelling a finished job changes nothing.
    const again = await server.call('POST', `/v1/jobs/${running.id}/cancel`, { as: 'analyst' });
    assert.equal(again.json.status, 'cancelled');
    assert.equal((await server.call('POST', '/v1/jobs/no-such-job/cancel', { as: 'analyst' })).status, 404);

    const audit = await server.call('GET', '/v1/audit?limit=20');
    const targets = audit.json.items
      .filter((e: { action: string }) => e.action === 'job.cancel')
      .map((e: { target: string; status: number }) => `${e.target} ${e.status}`);
    assert.ok(targets.includes(`jobs/${queued.id} 200`), targets.join(', '));
    assert.ok(targets.includes('jobs/no-such-job 404'), targets.join(', '));

    const metrics = await server.call('GET', '/metrics', { as: null });
    assert.match(metrics.text, /^shelfcast_jobs\{status="cancelled"\} 2$/m);
  });
});
