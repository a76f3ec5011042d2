// `[ingest]`: how line-protocol writes are parsed.

import { ConfigError } from './config.ts';

export interface IngestSection {
  /** Worker threads that scan large write bodies; 0 parses every body on the event loop. */
  parseWorkers: number;
}

/** `parse-workers = N` (0–16) or absent, which means `fallback` (one per spare core, at most two). */
export function readIngestSection(raw: unknown, fallbackWorkers: number): IngestSection {
  if (raw === undefined) return { parseWorkers: fallbackWorkers };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError('[ingest] must be a table');
  const t = raw as Record<string, unknown>;
  for (const key of Object.keys(t)) {
    if (key !== 'parse-workers') throw new ConfigError(`[ingest] ${key}: unknown setting`);
  }
  const workers = t['parse-workers'];
  if (workers === undefined) return { parseWorkers: fallbackWorkers };
  if (typeof workers !== 'number' || !Number.isInteger(workers) || workers < 0 || workers > 16) {
    throw new ConfigError('[ingest] parse-workers: expected a whole number from 0 to 16');
  }
  return { parseWorkers: workers };
}
