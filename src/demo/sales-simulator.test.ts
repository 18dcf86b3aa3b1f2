import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { civilDate, dayNumber } from './calendar.js';
import { generateCatalog } from './catalog-generator.js';
import { marketFor } from './markets.js';
import { CATEGORIES } from './product-templates.js';
import { formatCents, revenueCents, SimulationContext } from './sales-simulator.js';

const endDay = dayNumber(2025, 12, 31);
const period = { startDay: endDay - 729, endDay, days: 730 };
const context = new SimulationContext(generateCatalog({ seed: 3, stores: 12, products: 24, period }));

function monthlyMean(country: string, categoryName: string, months: readonly number[]): number {
  const index = CATEGORIES.findIndex((c) => c.name === categoryName);
  const factors = context.yearly(marketFor(country), index, CATEGORIES[index] as (typeof CATEGORIES)[number]);
  let sum = 0;
  let n = 0;
  factors.forEach((f, d) => {
    if (months.includes(civilDate(period.startDay + d).month)) {
      sum += f;
      n++;
    }
  });
  return sum / n;
}

describe('sales simulator', () => {
  it('formats money in hundredths and rounds revenue half up after the discount', () => {
    assert.equal(formatCents(5), '0.05');
    assert.equal(formatCents(128000), '1280.00');
    assert.equal(formatCents(-1999), '-19.99');
    assert.equal(revenueCents(3, 349, 0), 1047);
    assert.equal(revenueCents(3, 349, 20), 838); // 8.376
    assert.equal(revenueCents(1, 50, 1), 50); // 0.495 rounds up
    assert.equal(revenueCents(0, 349, 20), 0);
  });

  it('peaks summer products in the local summer, south of the equator too', () => {
    const summer = [6, 7, 8];
    const winter = [12, 1, 2];
    for (const country of ['DE', 'GB', 'US', 'JP']) {
      assert.ok(
        monthlyMean(country, 'sun-care', summer) > 1.5 * monthlyMean(country, 'sun-care', winter),
        country,
      );
    }
    for (const country of ['AU', 'BR', 'ZA']) {
      assert.ok(
        monthlyMean(country, 'sun-care', winter) > 1.5 * monthlyMean(country, 'sun-care', summer),
        country,
      );
    }
  });

  it('lifts gifts before Christmas, more where Christmas is a retail event', () => {
    const december = monthlyMean('DE', 'gifts-home', [12]);
    assert.ok(december > 1.3 * monthlyMean('DE', 'gifts-home', [3, 4, 5]));
    assert.ok(december > monthlyMean('JP', 'gifts-home', [12]));
    assert.ok(monthlyMean('DE', 'household', [12]) < 1.2 * monthlyMean('DE', 'household', [3, 4, 5]));
  });

  it('closes stores on closing holidays only', () => {
    const christmas = dayNumber(2024, 12, 25);
    assert.equal(context.holiday('DE', christmas)?.closed, true);
    assert.equal(context.holiday('US', dayNumber(2024, 11, 28))?.name, 'Thanksgiving Day');
    assert.equal(context.holiday('IN', christmas)?.closed, false);
    assert.equal(context.holiday('DE', dayNumber(2024, 12, 27)), undefined);
  });
});
