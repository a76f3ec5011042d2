// What executing InfluxQL yields, before a dialect renders it (InfluxDB 1.x JSON, CSV, batches).

import type { Instant } from '../../core/time.ts';

/** A cell: field values as stored, null for none, and exact instants in the time column. */
export type Cell = number | bigint | string | boolean | null | Instant;

export interface ResultSeries {
  name?: string;
  tags?: Record<string, string>;
  columns: string[];
  values: Cell[][];
}

export interface StatementResult {
  statement_id: number;
  series?: ResultSeries[];
  /** The statement failed: InfluxDB's message. Later statements do not run. */
  error?: string;
  messages?: { level: string; text: string }[];
}

export function isInstant(v: Cell): v is Instant {
  return typeof v === 'object' && v !== null;
}
