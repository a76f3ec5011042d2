// Runs the shared line-protocol load generator (../shared/bench/ingest-load.mjs) against a write URL.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const INGEST_LOAD = resolve(join(import.meta.dirname, '..', '..', '..', 'shared', 'bench', 'ingest-load.mjs'));

export interface LoadResult {
  points: number;
  seconds: number;
  points_per_s: number;
  status: Record<string, number>;
}

export interface LoadOptions {
  points: number;
  series: number;
  batch: number;
  conns: number;
  /** Time of the first point in ns since the epoch (the generator's own default when absent). */
  start?: bigint;
}

/** The generator's first timestamp when none is given (ns since the epoch). */
const DEFAULT_START_NS = 1_700_000_000_000_000_000n;

/**
 * A warm-up for `load`: 200,000 points of the same series at one-second steps, ending where the
 * load starts, so that a server is measured in steady state and windows, shifts and joins see one
 * continuous timeline.
 */
export function warmUpFor(load: LoadOptions): LoadOptions {
  const points = 200_000;
  const seconds = BigInt(Math.ceil(points / load.series));
  return { ...load, points, start: (load.start ?? DEFAULT_START_NS) - seconds * 1_000_000_000n };
}

export async function runIngestLoad(url: string, o: LoadOptions): Promise<LoadResult> {
  if (!existsSync(INGEST_LOAD)) throw new Error(`load generator not found at ${INGEST_LOAD}`);
  const args = [INGEST_LOAD, '--url', url, '--points', String(o.points), '--series', String(o.series), '--batch', String(o.batch), '--conns', String(o.conns)];
  if (o.start !== undefined) args.push('--start', String(o.start));
  const child = spawn(process.execPath, ['--max-old-space-size=4096', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  if (code !== 0) throw new Error(`ingest-load exited with ${code}`);
  const result = JSON.parse(out.trim().split('\n').pop()!) as LoadResult;
  const failures = Object.entries(result.status).filter(([s]) => s !== '204');
  if (failures.length > 0) throw new Error(`ingest-load got non-204 answers: ${JSON.stringify(result.status)}`);
  return result;
}
