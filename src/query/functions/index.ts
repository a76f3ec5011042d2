// The InfluxQL function library: pure aggregates, selectors and transformations over typed samples.
//
// Shared by the stream engine (src/pipeline) and the InfluxQL query engine. Every function is
// pure over `Samples` (parallel columns: timeMs, timeNs, values) and follows InfluxQL's typing:
//
//   aggregates (value out)       count → integer; sum, spread, mode → input type; mean, median,
//                                stddev → float; distinct → samples. `null` = no value.
//   selectors (index out)        first, last (any type), min, max, percentile (numeric) → index or -1;
//                                top, bottom → indices in time order. The caller reads the time and
//                                companion fields of the selected rows itself.
//   transformations (stateful)   Difference, Derivative, Elapsed, MovingAverage, CumulativeSum:
//                                `push(timeMs, timeNs, value)` per sample, or `transformRun` for a run.
//   forecasting                  holtWinters(samples, h, m, interval, withFit).
//
// Integers are bigint and never silently mix with floats: a mixed run throws E_FUNC_MIXED_TYPES;
// a string or boolean given to a numeric function throws E_FUNC_UNSUPPORTED_TYPE.

export * from './aggregates.ts';
export * from './holt-winters.ts';
export * from './samples.ts';
export * from './selectors.ts';
export * from './transformations.ts';
