import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MARKETS, marketFor, retailPriceCents } from './markets.js';

describe('markets', () => {
  it('describes at least ten countries with valid codes, time zones and weekly profiles', () => {
    assert.ok(MARKETS.length >= 10);
    assert.equal(new Set(MARKETS.map((m) => m.country)).size, MARKETS.length);
    const zones = new Set(MARKETS.flatMap((m) => m.cities.map((c) => c.timezone)));
    assert.ok(zones.size >= 10, 'stores span many time zones');
    for (const m of MARKETS) {
      assert.match(m.country, /^[A-Z]{2}$/);
      assert.match(m.currency, /^[A-Z]{3}$/);
      assert.doesNotThrow(() => new Intl.NumberFormat('en', { style: 'currency', currency: m.currency }));
      for (const c of m.cities) {
        assert.doesNotThrow(() => new Intl.DateTimeFormat('en', { timeZone: c.timezone }), c.timezone);
        assert.match(c.code, /^[A-Z]{3}$/);
      }
      assert.equal(m.weekly.length, 7);
      for (const wd of m.closedWeekdays)
        assert.equal(m.weekly[wd], 0, `${m.country} sells nothing when closed`);
      // Saturday beats the midweek average in every market.
      assert.ok(m.weekly[5] > (m.weekly[1] + m.weekly[2]) / 2, m.country);
    }
    assert.deepEqual(
      MARKETS.filter((m) => m.hemisphere === 'south')
        .map((m) => m.country)
        .sort(),
      ['AU', 'BR', 'ZA'],
    );
    assert.throws(() => marketFor('XX'), RangeError);
  });

  it('rounds converted prices to shelf-price endings per currency', () => {
    assert.equal(retailPriceCents(3.41, 'EUR'), 349);
    assert.equal(retailPriceCents(3.5, 'USD'), 349);
    assert.equal(retailPriceCents(12.91, 'GBP'), 1299);
    assert.equal(retailPriceCents(36, 'SEK'), 3900);
    assert.equal(retailPriceCents(1234, 'JPY'), 124000);
    assert.equal(retailPriceCents(241.5, 'INR'), 24900);
    assert.equal(retailPriceCents(41.2, 'ZAR'), 4499);
    assert.equal(retailPriceCents(14.2, 'BRL'), 1490);
    for (const currency of ['EUR', 'SEK', 'JPY', 'INR', 'ZAR', 'BRL']) {
      for (const value of [0.5, 2, 9.99, 37.3, 480, 2500]) {
        assert.ok(
          retailPriceCents(value, currency) >= value * 100 - 10,
          `${currency} ${value} never rounds far down`,
        );
      }
    }
  });
});
