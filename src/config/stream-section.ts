// `[stream]`: engine-wide settings of stream tasks.

import { parseDuration } from '../core/time.ts';
import { ConfigError } from './config.ts';

export interface StreamSection {
  /** Per-group state idle for this long (wall clock) is dropped; 0 keeps groups forever, as Kapacitor does. */
  groupIdleMs: number;
}

/** `group-idle-timeout = "10m"` (an InfluxQL duration) or absent. */
export function readStreamSection(raw: unknown): StreamSection {
  if (raw === undefined) return { groupIdleMs: 0 };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError('[stream] must be a table');
  const t = raw as Record<string, unknown>;
  for (const key of Object.keys(t)) {
    if (key !== 'group-idle-timeout') throw new ConfigError(`[stream] ${key}: unknown setting`);
  }
  const text = t['group-idle-timeout'];
  if (text === undefined) return { groupIdleMs: 0 };
  const ns = typeof text === 'string' ? parseDuration(text) : undefined;
  if (ns === undefined || ns < 0) throw new ConfigError('[stream] group-idle-timeout: expected a duration such as "10m"');
  return { groupIdleMs: ns / 1_000_000 };
}
