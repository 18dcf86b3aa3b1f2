import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { modelCatalog } from '../../models/model-catalog.js';
import { formatModels } from './models-command.js';

describe('shelfcast models available', () => {
  it('lists every catalog model with its hyperparameters', () => {
    const entries = modelCatalog.list();
    const text = formatModels(entries);
    for (const e of entries) assert.ok(text.includes(e.name), e.name);
    assert.ok(entries.some((e) => e.name === 'seasonal-naive'));
    const withParams = entries.find((e) => e.hyperparameters.length > 0);
    if (withParams) for (const p of withParams.hyperparameters) assert.ok(text.includes(p.name), p.name);
  });
});
