/**
 * @module forecasting/forecasting-error
 * Errors of the forecasting engine: bad input files and options. Each message says what to change.
 */

export type ForecastingErrorCode =
  | 'FORECAST_MISSING_COLUMN'
  | 'FORECAST_BAD_DATE'
  | 'FORECAST_BAD_VALUE'
  | 'FORECAST_FREQ_UNKNOWN'
  | 'FORECAST_NO_SERIES'
  | 'FORECAST_BAD_OPTIONS';

export class ForecastingError extends Error {
  override readonly name = 'ForecastingError';
  constructor(
    readonly code: ForecastingErrorCode,
    message: string,
    readonly file?: string,
    readonly line?: number,
  ) {
    super(
      file === undefined
        ? message
        : line === undefined
          ? `${file}: ${message}`
          : `${file}:${line}: ${message}`,
    );
  }
}
