// `[stream]`: engine-wide settings of stream tasks.

import { parseDuration } from '../core/time.ts';
import { ConfigError } from './config.ts';

export interface StreamSection {
  /** Per-group state idle for this long (wall clock) is dropped; 0 keeps groups forever, as Kapacitor does. */
  groupIdleMs: number;
  /** Posts one httpPost node may have waiting or in flight; more are dropped (Kapacitor blocks ingest instead). */
  httpPostQueueSize: number;
}

/** Enough for a receiver to ride out a burst; at ~1 KB a post, about 1 MB per node when full. */
const DEFAULT_HTTP_POST_QUEUE_SIZE = 1000;

/** `group-idle-timeout = "10m"` (an InfluxQL duration) and `http-post-queue-size = N` (N ≥ 1), each optional. */
export function readStreamSection(raw: unknown): StreamSection {
  const out: StreamSection = { groupIdleMs: 0, httpPostQueueSize: DEFAULT_HTTP_POST_QUEUE_SIZE };
  if (raw === undefined) return out;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError('[stream] must be a table');
  const t = raw as Record<string, unknown>;
  for (const key of Object.keys(t)) {
    if (key !== 'group-idle-timeout' && key !== 'http-post-queue-size') throw new ConfigError(`[stream] ${key}: unknown setting`);
  }
  const text = t['group-idle-timeout'];
  if (text !== undefined) {
    const ns = typeof text === 'string' ? parseDuration(text) : undefined;
    if (ns === undefined || ns < 0) throw new ConfigError('[stream] group-idle-timeout: expected a duration such as "10m"');
    out.groupIdleMs = ns / 1_000_000;
  }
  const size = t['http-post-queue-size'];
  if (size !== undefined) {
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 1) {
      throw new ConfigError('[stream] http-post-queue-size: expected a whole number of at least 1');
    }
    out.httpPostQueueSize = size;
  }
  return out;
}
