// Holt-Winters forecasting: additive trend, multiplicative seasonality (when a season length is
// given), smoothing parameters fitted by Nelder–Mead on the squared one-step error.

import { type Duration, NS_PER_MS } from '../../core/time.ts';
import { asNumber } from './aggregates.ts';
import { invalidArgument, unsupportedType } from './errors.ts';
import type { Sample, Samples } from './samples.ts';
import { kindOf } from './samples.ts';

interface Params {
  alpha: number;
  beta: number;
  gamma: number;
}

/** One-step-ahead fit of `y` and `h` further forecasts under the given parameters. */
function smooth(y: number[], m: number, p: Params, h: number): { fit: number[]; forecast: number[] } {
  const seasonal = m > 1;
  let level = y[0];
  let trend = 0;
  const season: number[] = [];
  if (seasonal) {
    // Initial trend: mean slope between the first two seasons; initial indices: ratio to first-season mean.
    let slope = 0;
    for (let i = 0; i < m; i++) slope += (y[i + m] - y[i]) / m;
    trend = slope / m;
    let seasonMean = 0;
    for (let i = 0; i < m; i++) seasonMean += y[i] / m;
    level = seasonMean;
    for (let i = 0; i < m; i++) season.push(seasonMean === 0 ? 1 : y[i] / seasonMean);
  } else if (y.length > 1) {
    trend = y[1] - y[0];
  }
  const fit: number[] = [];
  for (let t = 0; t < y.length; t++) {
    const s = seasonal ? season[t % m] : 1;
    const predicted = (level + trend) * s;
    fit.push(predicted);
    const obs = y[t];
    const prevLevel = level;
    level = p.alpha * (seasonal && s !== 0 ? obs / s : obs) + (1 - p.alpha) * (level + trend);
    trend = p.beta * (level - prevLevel) + (1 - p.beta) * trend;
    if (seasonal) season[t % m] = p.gamma * (level === 0 ? 1 : obs / level) + (1 - p.gamma) * s;
  }
  const forecast: number[] = [];
  for (let k = 1; k <= h; k++) {
    const s = seasonal ? season[(y.length + k - 1) % m] : 1;
    forecast.push((level + k * trend) * s);
  }
  return { fit, forecast };
}

function sse(y: number[], m: number, p: Params): number {
  const { fit } = smooth(y, m, p, 0);
  let acc = 0;
  for (let i = 0; i < y.length; i++) {
    const d = y[i] - fit[i];
    acc += d * d;
  }
  return acc;
}

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

/** Nelder–Mead over (alpha, beta, gamma) in the unit cube. */
function optimise(y: number[], m: number): Params {
  const dims = m > 1 ? 3 : 2;
  const toParams = (v: number[]): Params => ({
    alpha: clamp01(v[0]),
    beta: clamp01(v[1]),
    gamma: dims === 3 ? clamp01(v[2]) : 0,
  });
  const cost = (v: number[]) => sse(y, m, toParams(v));
  let simplex: number[][] = [new Array(dims).fill(0.3)];
  for (let i = 0; i < dims; i++) {
    const v = new Array(dims).fill(0.3);
    v[i] = 0.7;
    simplex.push(v);
  }
  let costs = simplex.map(cost);
  for (let iter = 0; iter < 400; iter++) {
    const order = costs.map((_, i) => i).sort((a, b) => costs[a] - costs[b]);
    simplex = order.map((i) => simplex[i]);
    costs = order.map((i) => costs[i]);
    if (Math.abs(costs[dims] - costs[0]) < 1e-10 * (1 + Math.abs(costs[0]))) break;
    const centroid = new Array(dims).fill(0);
    for (let i = 0; i < dims; i++) for (let d = 0; d < dims; d++) centroid[d] += simplex[i][d] / dims;
    const worst = simplex[dims];
    const along = (t: number) => centroid.map((c, d) => c + t * (worst[d] - c));
    const reflected = along(-1);
    const rc = cost(reflected);
    if (rc < costs[0]) {
      const expanded = along(-2);
      const ec = cost(expanded);
      if (ec < rc) {
        simplex[dims] = expanded;
        costs[dims] = ec;
      } else {
        simplex[dims] = reflected;
        costs[dims] = rc;
      }
    } else if (rc < costs[dims - 1]) {
      simplex[dims] = reflected;
      costs[dims] = rc;
    } else {
      const contracted = along(0.5);
      const cc = cost(contracted);
      if (cc < costs[dims]) {
        simplex[dims] = contracted;
        costs[dims] = cc;
      } else {
        for (let i = 1; i <= dims; i++) {
          simplex[i] = simplex[i].map((v, d) => simplex[0][d] + 0.5 * (v - simplex[0][d]));
          costs[i] = cost(simplex[i]);
        }
      }
    }
  }
  const bestIndex = costs.indexOf(Math.min(...costs));
  return toParams(simplex[bestIndex]);
}

/**
 * Forecasts `h` values spaced `interval` after the last sample (season length `m`, 0 or 1 for
 * none). With `withFit` the fitted values for the input times come first. Needs at least two
 * samples (two full seasons when seasonal); fewer yields no output.
 */
export function holtWinters(input: Samples, h: number, m: number, interval: Duration, withFit = false): Sample<number>[] {
  const kind = kindOf(input.values);
  if (kind === 'string' || kind === 'boolean') throw unsupportedType('holtWinters', kind);
  if (!Number.isInteger(h) || h < 0) throw invalidArgument('holtWinters', 'h must be a non-negative integer');
  if (!Number.isInteger(m) || m < 0) throw invalidArgument('holtWinters', 'm must be a non-negative integer');
  if (!(interval > 0)) throw invalidArgument('holtWinters', 'interval must be positive');
  const n = input.length;
  if (n < 2 || (m > 1 && n < 2 * m)) return [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) y.push(asNumber(input.values[i]));
  const params = optimise(y, m);
  const { fit, forecast } = smooth(y, m, params, h);
  const out: Sample<number>[] = [];
  if (withFit) {
    for (let i = 0; i < n; i++) out.push({ timeMs: input.timeMs[i], timeNs: input.timeNs[i], value: fit[i] });
  }
  const lastMs = input.timeMs[n - 1];
  const lastNs = input.timeNs[n - 1];
  for (let k = 1; k <= h; k++) {
    const offset = k * interval;
    const wholeMs = Math.floor(offset / NS_PER_MS);
    let ns = lastNs + (offset - wholeMs * NS_PER_MS);
    let ms = lastMs + wholeMs;
    if (ns >= NS_PER_MS) {
      ns -= NS_PER_MS;
      ms += 1;
    }
    out.push({ timeMs: ms, timeNs: ns, value: forecast[k - 1] });
  }
  return out;
}
