/**
 * @module features/categorical
 * Integer codes for categorical attributes (store format, product category, ...) with the
 * dictionary stored alongside a model, so serving encodes exactly as training did. Values never
 * seen in training encode as missing (NaN), which the trees route by their learned default.
 */

/** Attribute name → value → code. Plain JSON. */
export type CategoryDictionary = Record<string, Record<string, number>>;

/**
 * Builds codes 0, 1, 2, … per attribute, in sorted value order (so the codes do not depend on the
 * order the series came in).
 *
 * @example
 * fitCategories([{ format: 'mall' }, { format: 'city' }], ['format']); // { format: { city: 0, mall: 1 } }
 */
export function fitCategories(
  rows: readonly Record<string, string | number>[],
  attributes: readonly string[],
): CategoryDictionary {
  const dict: CategoryDictionary = {};
  for (const a of attributes) {
    const values = new Set<string>();
    for (const r of rows) {
      const v = r[a];
      if (v !== undefined && v !== '') values.add(String(v));
    }
    dict[a] = Object.fromEntries([...values].sort().map((v, i) => [v, i]));
  }
  return dict;
}

/**
 * The code of a value, NaN when the attribute is absent or the value unknown.
 *
 * @example
 * encodeCategory(dict, 'format', 'outlet'); // NaN: not seen in training
 */
export function encodeCategory(
  dict: CategoryDictionary,
  attribute: string,
  value: string | number | undefined,
): number {
  if (value === undefined) return Number.NaN;
  const code = dict[attribute]?.[String(value)];
  return code ?? Number.NaN;
}
