import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_JOB_SETTINGS, jobSettingsFromEnv } from './job-settings.js';

test('job settings come from the environment; a bad value names its variable', () => {
  assert.deepEqual(jobSettingsFromEnv({}), DEFAULT_JOB_SETTINGS);
  const s = jobSettingsFromEnv({
    SHELFCAST_JOB_LOCK_MS: '2000',
    SHELFCAST_JOB_CONCURRENCY: '4',
    SHELFCAST_QUEUE_PREFIX: 'shop-eu.1',
    SHELFCAST_JOB_PROGRESS_MS: '',
  });
  assert.equal(s.lockMs, 2000);
  assert.equal(s.concurrency, 4);
  assert.equal(s.queuePrefix, 'shop-eu.1');
  assert.equal(s.progressIntervalMs, DEFAULT_JOB_SETTINGS.progressIntervalMs);
  for (const [name, value] of [
    ['SHELFCAST_JOB_CONCURRENCY', '0'],
    ['SHELFCAST_WORKER_SHUTDOWN_MS', '1.5'],
    ['SHELFCAST_JOB_MAX_STALLS', 'many'],
  ] as const) {
    assert.throws(() => jobSettingsFromEnv({ [name]: value }), {
      code: 'INVALID_JOB_SETTING',
      message: `${name} must be a positive whole number, got '${value}'`,
    });
  }
  assert.throws(() => jobSettingsFromEnv({ SHELFCAST_QUEUE_PREFIX: 'a:b' }), { code: 'INVALID_JOB_SETTING' });
});
