// The OpenTSDB annotation object, its identity, and what a write "changes" (OpenTSDB's changed map).

import { startTimeNotSet } from './errors.ts';
import { isMillis } from './opentsdb-time.ts';
import { canonicalHex } from './uid/tsuid.ts';

/** A stored annotation, as OpenTSDB returns it (`custom` null = absent on the wire). */
export interface Annotation {
  /** '' for a global annotation, else the TSUID as the writer spelled it. */
  tsuid: string;
  /** Seconds, or milliseconds when not a whole second. */
  startTime: number;
  endTime: number;
  description: string;
  notes: string;
  custom: Record<string, string> | null;
}

/**
 * A write request. `startTime` (and `tsuid`) address the annotation; each of the other fields is
 * present only when the writer changed it, by OpenTSDB's rules: a value that differs from the
 * default (`0`, `""`), or any non-null `custom` map (even `{}`).
 */
export interface AnnotationWrite {
  tsuid: string;
  startTime: number;
  endTime?: number;
  description?: string;
  notes?: string;
  custom?: Record<string, string>;
}

/** How a write treats fields it does not change: POST keeps the stored values, PUT resets them. */
export type WriteMode = 'merge' | 'replace';

/** Storage identity: the timeline partition ('' = global) and the start time in ms. */
export interface AnnotationKey {
  partition: string;
  timeMs: number;
  /** The start time as stored and returned: whole-second millisecond values become seconds. */
  startTime: number;
}

export function annotationKey(tsuid: string | undefined, startTime: number): AnnotationKey {
  if (!Number.isSafeInteger(startTime) || startTime < 1) throw startTimeNotSet();
  const partition = tsuid === undefined || tsuid === '' ? '' : canonicalHex(tsuid);
  if (isMillis(startTime)) {
    if (startTime % 1000 === 0) return { partition, timeMs: startTime, startTime: startTime / 1000 };
    return { partition, timeMs: startTime, startTime };
  }
  return { partition, timeMs: startTime * 1000, startTime };
}

/** Whether a write changes anything (OpenTSDB answers 304 when not). */
export function hasChanges(write: AnnotationWrite): boolean {
  return (
    write.endTime !== undefined ||
    write.description !== undefined ||
    write.notes !== undefined ||
    write.custom !== undefined
  );
}

/** The annotation a write leaves in storage, given what was stored before. */
export function applyWrite(
  key: AnnotationKey,
  write: AnnotationWrite,
  stored: Annotation | undefined,
  mode: WriteMode,
): Annotation {
  const base: Annotation =
    stored !== undefined && mode === 'merge'
      ? stored
      : { tsuid: '', startTime: 0, endTime: 0, description: '', notes: '', custom: null };
  return {
    tsuid: write.tsuid,
    startTime: key.startTime,
    endTime: write.endTime ?? base.endTime,
    description: write.description ?? base.description,
    notes: write.notes ?? base.notes,
    custom: write.custom !== undefined ? { ...write.custom } : base.custom,
  };
}

/** OpenTSDB's `Annotation.toString`, used in bulk error details. */
export function describeWrite(write: AnnotationWrite): string {
  return `TSUID: ${write.tsuid} Start: ${write.startTime}  Description: ${write.description ?? ''}`;
}

/** The wire shape: every field but `custom`, which appears only when set. */
export function annotationJson(note: Annotation): Record<string, unknown> {
  const out: Record<string, unknown> = { tsuid: note.tsuid, description: note.description, notes: note.notes };
  if (note.custom !== null) out.custom = note.custom;
  out.endTime = note.endTime;
  out.startTime = note.startTime;
  return out;
}
