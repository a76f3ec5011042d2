// Alert events as annotations: one annotation per alert event on every OpenTSDB time series of the
// alerting group, so dashboards that read OpenTSDB annotations show when alerts fired and cleared.

import type { Tags } from '../core/point.ts';
import type { Instant } from '../core/time.ts';
import type { Annotation } from './annotation.ts';
import type { AnnotationService } from './annotation-service.ts';
import type { TsuidService } from './uid/tsuid-service.ts';

export interface AlertEvent {
  /** The alert's id (Kapacitor's `.id()` result). */
  id: string;
  /** OK, INFO, WARNING, CRITICAL. */
  level: string;
  message: string;
  details?: string;
  time: Instant;
  /** When the event ended (a recovery), if known. */
  endTime?: Instant;
  /** The series the alert is about: the measurement and the group's tags. */
  database: string;
  measurement: string;
  tags: Readonly<Tags>;
  /** Fields whose series get the annotation; every field of the measurement when absent. */
  fields?: readonly string[];
}

export class AlertAnnotator {
  readonly #annotations: AnnotationService;
  readonly #tsuids: TsuidService | undefined;

  constructor(annotations: AnnotationService, tsuids?: TsuidService) {
    this.#annotations = annotations;
    this.#tsuids = tsuids;
  }

  /**
   * Writes the event's annotation on every time series of its group (series of the measurement whose
   * tags include the group's). When none is known to the OpenTSDB dialect (another database, or no
   * stored data yet) it becomes a global annotation naming the measurement and tags in `custom`.
   * Times keep millisecond precision; a second event at the same millisecond updates the first.
   */
  async annotate(event: AlertEvent): Promise<Annotation[]> {
    const targets = await this.#targets(event);
    const custom: Record<string, string> = { alertId: event.id, level: event.level };
    if (event.details !== undefined && event.details !== '') custom.details = event.details;
    const base = {
      startTime: Math.max(1, event.time.ms),
      endTime: event.endTime === undefined ? undefined : event.endTime.ms,
      description: `${event.level}: ${event.id}`,
      notes: event.message,
    };
    if (targets.length === 0) {
      const globalCustom: Record<string, string> = { ...custom, database: event.database, measurement: event.measurement };
      for (const [k, v] of Object.entries(event.tags)) globalCustom[`tag.${k}`] = v;
      return this.#annotations.writeMany([{ ...base, tsuid: '', custom: globalCustom }], 'replace');
    }
    return this.#annotations.writeMany(
      targets.map((tsuid) => ({ ...base, tsuid, custom })),
      'replace',
    );
  }

  async #targets(event: AlertEvent): Promise<string[]> {
    const tsuids = this.#tsuids;
    if (tsuids === undefined || tsuids.database !== event.database) return [];
    const all = await tsuids.series(event.measurement);
    const wanted = event.fields === undefined ? undefined : new Set(event.fields);
    return all
      .filter((s) => wanted === undefined || wanted.has(s.field))
      .filter((s) => Object.entries(event.tags).every(([k, v]) => s.tags[k] === v))
      .map((s) => s.tsuid);
  }
}
