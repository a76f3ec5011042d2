// Alert events as the alert node publishes them, and the JSON body handlers send (Kapacitor's alert.Data).

import type { Fields, Tags } from '../core/point.ts';
import type { Instant } from '../core/time.ts';
import { formatRFC3339Nano } from '../core/time.ts';
import { stringifyJson } from '../core/json.ts';
import type { ResultRow } from '../pipeline/result-row.ts';
import { type Level, levelName } from './level.ts';

/** The state part of an event; what a topic keeps per alert id. */
export interface EventState {
  readonly id: string;
  readonly message: string;
  readonly details: string;
  readonly time: Instant;
  /** Nanoseconds since the first event of the current non-OK episode. */
  readonly duration: number;
  readonly level: Level;
}

export interface EventData {
  readonly name: string;
  readonly taskName: string;
  readonly category: string;
  /** Group id, `nil` when ungrouped. */
  readonly group: string;
  readonly tags: Tags;
  readonly fields: Fields;
  readonly recoverable: boolean;
  readonly series: readonly ResultRow[];
}

export interface AlertEvent {
  /** Set by the topic it is collected into. */
  readonly topic: string;
  readonly state: EventState;
  readonly data: EventData;
  /** The level this id had in the topic before this event (OK when unknown). */
  readonly previousLevel: Level;
  /** Only internal handlers (publish, aggregate) see it: set by aggregates of internal-only events. */
  readonly noExternal?: boolean;
}

/** The JSON object of alert.Data, field order as Kapacitor marshals it. */
export function alertData(e: AlertEvent): Record<string, unknown> {
  return {
    id: e.state.id,
    message: e.state.message,
    details: e.state.details,
    time: formatRFC3339Nano(e.state.time),
    duration: BigInt(Math.round(e.state.duration)),
    level: levelName(e.state.level),
    data: { series: e.data.series.length === 0 ? null : e.data.series },
    previousLevel: levelName(e.previousLevel),
    recoverable: e.data.recoverable,
  };
}

/**
 * Go's encoding/json text: compact, int64 exact, and `<`, `>`, `&`, U+2028, U+2029 escaped as
 * json.Encoder does by default. Those characters only occur inside JSON strings, so a global
 * replacement is safe.
 */
export function goJson(value: unknown): string {
  return stringifyJson(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The body post/tcp/exec/log handlers send: one compact JSON object and a newline. */
export function alertBody(e: AlertEvent): string {
  return `${goJson(alertData(e))}\n`;
}
