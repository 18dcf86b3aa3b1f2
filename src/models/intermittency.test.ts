import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { classifyDemand, recommendModel } from './intermittency.js';

const fixtures = new URL('../../src/models/fixtures/', import.meta.url);
const input = JSON.parse(readFileSync(new URL('croston-carparts-series.json', fixtures), 'utf8')) as {
  series: { id: string; class: string; y: number[] }[];
};

describe('Syntetos–Boylan classification', () => {
  it('the four quadrants around ADI 1.32 and CV² 0.49', () => {
    assert.equal(classifyDemand([5, 6, 5, 4, 5, 6]).demandClass, 'smooth');
    assert.equal(classifyDemand([1, 20, 2, 30, 1, 15]).demandClass, 'erratic');
    assert.equal(classifyDemand([0, 5, 0, 0, 6, 0, 5, 0]).demandClass, 'intermittent');
    assert.equal(classifyDemand([0, 1, 0, 0, 30, 0, 2, 0]).demandClass, 'lumpy');
  });

  it('cut-offs are inclusive on the smooth side', () => {
    // ADI exactly 1.32 is not possible with few points; CV² exactly at 0.49 stays 'smooth'.
    const c = classifyDemand([1, 1, 1, 1]);
    assert.equal(c.adi, 1);
    assert.equal(c.cv2, 0);
    assert.equal(c.demandClass, 'smooth');
  });

  it('agrees with the class recorded for each committed carparts series', () => {
    for (const s of input.series) assert.equal(classifyDemand(s.y).demandClass, s.class, s.id);
  });

  it('recommends SBA for intermittent and lumpy, a continuous model for smooth, TSB after demand stops', () => {
    assert.equal(recommendModel(classifyDemand([0, 5, 0, 0, 6, 0, 5, 0])).model, 'sba');
    assert.equal(recommendModel(classifyDemand([5, 6, 5, 4, 5, 6])).model, 'auto_arima');
    const stopped = [0, 3, 0, 4, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0];
    assert.equal(recommendModel(classifyDemand(stopped)).model, 'tsb');
  });

  it('ignores missing values', () => {
    assert.deepEqual(classifyDemand([0, Number.NaN, 4, 0, 4]), classifyDemand([0, 4, 0, 4]));
  });
});
