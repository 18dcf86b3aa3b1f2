import assert from 'node:assert/strict';
import { test } from 'node:test';
import { externalModel, pathSegment, trainerOf } from './pipeline-trainers.js';

test('a trainer model is named external:<trainer>, and only such names map back to a trainer', () => {
  assert.equal(externalModel('r-forecast'), 'external:r-forecast');
  assert.equal(trainerOf('external:r-forecast'), 'r-forecast');
  assert.equal(trainerOf('ets'), undefined);
});

test('segment names become one folder each: distinct, and never climbing out', () => {
  assert.equal(pathSegment('smooth'), 'smooth');
  assert.equal(pathSegment('NL-UTC-01'), 'NL-UTC-01');
  assert.equal(pathSegment('fruit & veg/fresh'), 'fruit%20%26%20veg%2Ffresh');
  assert.notEqual(pathSegment('a b'), pathSegment('a_b'));
  assert.equal(pathSegment('..'), '%2E%2E');
  assert.equal(pathSegment('.'), '%2E');
  assert.equal(pathSegment(''), '%00');
});
