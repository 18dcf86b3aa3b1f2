import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { test } from 'node:test';
import { describeOwner, newOwnerId, ownerHasStopped, parseOwnerId } from './job-owner.js';

test('owner ids name kind, host, pid and instance', () => {
  const id = newOwnerId('worker');
  assert.deepEqual(parseOwnerId(id), {
    kind: 'worker',
    host: hostname(),
    pid: process.pid,
    instance: id.split('/').at(-1),
  });
  assert.equal(parseOwnerId('in-process/a/b/c'), null);
  assert.equal(describeOwner('in-process/db-1/42/abcd'), 'process 42 on db-1');
  assert.equal(describeOwner(null), 'an unknown process');
});

test('an owner has stopped when its pid is gone here, or when it has been silent too long elsewhere', () => {
  const dead = Number(
    spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout,
  );
  const mine = newOwnerId('in-process');
  assert.equal(ownerHasStopped(mine, 0, 15, new Set([mine])), false, 'a queue open in this process');
  assert.equal(ownerHasStopped(mine, 0, 15, new Set()), true, 'a closed queue of this process');
  assert.equal(ownerHasStopped(`in-process/${hostname()}/${dead}/x`, 0, 15, new Set()), true);
  assert.equal(ownerHasStopped('in-process/elsewhere/1/x', 3, 15, new Set()), false);
  assert.equal(ownerHasStopped('in-process/elsewhere/1/x', 20, 15, new Set()), true);
  assert.equal(ownerHasStopped('in-process/elsewhere/1/x', null, 15, new Set()), true);
  assert.equal(ownerHasStopped(null, 0, 15, new Set()), true);
});
