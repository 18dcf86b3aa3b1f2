/**
 * @module demo
 * The seeded demo data set of a sustainable-products retail chain: stores worldwide, suppliers,
 * products, daily sales with stock-outs, promotions, price lists, holidays and a bad batch.
 */
export { BAD_SALES_KINDS, type BadSalesIssue, type BadSalesKind } from './bad-sales.js';
export { DemoDataError, type DemoErrorCode } from './demo-error.js';
export {
  DEMO_DEFAULTS,
  DEMO_FILE_COLUMNS,
  type DemoDataOptions,
  type DemoDataResult,
  type DemoFile,
  type DemoFileName,
  type DemoProgress,
  generateDemoData,
} from './generate-demo-data.js';
export { HOLIDAY_COUNTRIES, type Holiday, holidaysBetween } from './holidays.js';
export { Rng } from './prng.js';
