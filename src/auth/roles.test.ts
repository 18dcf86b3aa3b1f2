import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isRole, ROLES, roleAllows } from './roles.js';

describe('roles', () => {
  it('orders viewer < analyst < admin: each role includes the ones below it', () => {
    const allowed = ROLES.flatMap((has) =>
      ROLES.filter((needs) => roleAllows(has, needs)).map((n) => `${has}>${n}`),
    );
    assert.deepEqual(allowed, [
      'viewer>viewer',
      'analyst>viewer',
      'analyst>analyst',
      'admin>viewer',
      'admin>analyst',
      'admin>admin',
    ]);
  });

  it('recognises role names exactly', () => {
    assert.ok(isRole('admin'));
    for (const bad of ['Admin', 'root', '', null, 1, undefined])
      assert.equal(isRole(bad), false, String(bad));
  });
});
