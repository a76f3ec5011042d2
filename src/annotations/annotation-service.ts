// Annotations kept in the metadata store: one timeline keyed by (TSUID or '' for global, start ms).

import { isDomainError } from '../core/errors.ts';
import type { MetaStore, Timeline } from '../meta/meta-store.ts';
import {
  type Annotation,
  type AnnotationWrite,
  type WriteMode,
  annotationKey,
  applyWrite,
  describeWrite,
  hasChanges,
} from './annotation.ts';
import { endBeforeStart, withDetails } from './errors.ts';
import { toMillis } from './opentsdb-time.ts';
import { canonicalHex } from './uid/tsuid.ts';

/** The metadata-store timeline that holds every annotation. */
export const ANNOTATION_TIMELINE = 'opentsdb-annotations';

export interface RangeDelete {
  /** TSUIDs whose annotations go; each must be valid hex. */
  tsuids?: readonly string[];
  /** Also delete global annotations. */
  global?: boolean;
  /** Inclusive bounds on the annotations' start times, in ms. */
  startMs: number;
  endMs: number;
}

export interface RangeListing {
  /** Inclusive bounds on start times, in ms. */
  startMs: number;
  endMs: number;
  /** At most this many, earliest first. */
  limit?: number;
}

export class AnnotationService {
  readonly #meta: MetaStore;
  readonly #timeline: Timeline<Annotation>;

  constructor(meta: MetaStore) {
    this.#meta = meta;
    this.#timeline = meta.timeline<Annotation>(ANNOTATION_TIMELINE);
  }

  /** One annotation by TSUID ('' = global) and start time (seconds, or ms). */
  async get(tsuid: string, startTime: number): Promise<Annotation | undefined> {
    const key = annotationKey(tsuid, startTime);
    return this.#timeline.get({ partition: key.partition, time: key.timeMs, id: '' });
  }

  /**
   * Creates or updates one annotation: `merge` keeps stored values of fields the write does not
   * change (POST), `replace` resets them to their defaults (PUT). Resolves the stored annotation,
   * or undefined when the write changes nothing (OpenTSDB's 304), in which case nothing is stored.
   */
  async write(write: AnnotationWrite, mode: WriteMode): Promise<Annotation | undefined> {
    const key = annotationKey(write.tsuid, write.startTime);
    if (!hasChanges(write)) return undefined;
    return this.#meta.transaction(async () => {
      const address = { partition: key.partition, time: key.timeMs, id: '' };
      const next = applyWrite(key, write, await this.#timeline.get(address), mode);
      await this.#timeline.put(address, next);
      return next;
    });
  }

  /**
   * Writes several annotations atomically. Every element is validated before anything is stored
   * (OpenTSDB writes the ones before a bad element; the reply is the same). Elements that change
   * nothing are skipped and absent from the result.
   */
  async writeMany(writes: readonly AnnotationWrite[], mode: WriteMode): Promise<Annotation[]> {
    const keys = writes.map((w) => {
      try {
        return annotationKey(w.tsuid, w.startTime);
      } catch (err) {
        if (isDomainError(err)) throw withDetails(err, `Annotation error: ${describeWrite(w)}`);
        throw err;
      }
    });
    return this.#meta.transaction(async () => {
      const stored: Annotation[] = [];
      for (let i = 0; i < writes.length; i++) {
        if (!hasChanges(writes[i])) continue;
        const address = { partition: keys[i].partition, time: keys[i].timeMs, id: '' };
        const next = applyWrite(keys[i], writes[i], await this.#timeline.get(address), mode);
        await this.#timeline.put(address, next);
        stored.push(next);
      }
      return stored;
    });
  }

  /** Deletes one annotation; deleting a missing one succeeds (as in OpenTSDB). */
  async delete(tsuid: string, startTime: number): Promise<void> {
    const key = annotationKey(tsuid, startTime);
    await this.#timeline.delete({ partition: key.partition, time: key.timeMs, id: '' });
  }

  /** Deletes the annotations of the TSUIDs and/or the globals whose start lies in the range; resolves the count. */
  async deleteRange(request: RangeDelete): Promise<number> {
    if (request.endMs < request.startMs) throw endBeforeStart();
    const partitions = (request.tsuids ?? []).map(canonicalHex);
    if (request.global) partitions.unshift('');
    return this.#meta.transaction(async () => {
      let total = 0;
      for (const partition of new Set(partitions)) {
        total += await this.#timeline.deleteRange(partition, { from: request.startMs, to: request.endMs });
      }
      return total;
    });
  }

  /** Annotations of one TSUID ('' = global) whose start lies in the range, earliest first. */
  async list(tsuid: string, range: RangeListing): Promise<Annotation[]> {
    const partition = tsuid === '' ? '' : canonicalHex(tsuid);
    const rows = await this.#timeline.range(partition, { from: range.startMs, to: range.endMs, limit: range.limit });
    return rows.map((r) => r.doc);
  }

  /**
   * OpenTSDB's global-annotation scan (`/api/annotations`, `/api/query` with `globalAnnotations`):
   * globals starting within the range whose end is unset or within it too.
   */
  async listGlobal(range: RangeListing): Promise<Annotation[]> {
    return this.listEndingWithin('', range);
  }

  /** Like `listGlobal` for one TSUID. */
  async listEndingWithin(tsuid: string, range: RangeListing): Promise<Annotation[]> {
    if (range.endMs < range.startMs) throw endBeforeStart();
    const notes = await this.list(tsuid, { startMs: range.startMs, endMs: range.endMs });
    const kept = notes.filter((n) => n.endTime === 0 || toMillis(n.endTime) <= range.endMs);
    return range.limit === undefined ? kept : kept.slice(0, range.limit);
  }

  /** Count of annotations of one TSUID ('' = global), optionally within a start range in ms. */
  async count(tsuid: string, range?: { startMs?: number; endMs?: number }): Promise<number> {
    const partition = tsuid === '' ? '' : canonicalHex(tsuid);
    return this.#timeline.count(partition, { from: range?.startMs, to: range?.endMs });
  }
}
