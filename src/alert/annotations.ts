// Alert events as OpenTSDB-style annotations on their series (the `[alert] annotations` option).

import type { PipelineLogger } from '../pipeline/node.ts';
import type { AlertEvent } from './event.ts';
import { levelName } from './level.ts';

/** What the annotations module offers (src/annotations/alert-annotations.ts, AlertAnnotator). */
export interface AnnotationWriter {
  annotate(event: {
    id: string;
    level: string;
    message: string;
    details?: string;
    time: { ms: number; ns: number };
    database: string;
    measurement: string;
    tags: Readonly<Record<string, string>>;
  }): Promise<unknown>;
}

/** The alert node's `annotate` hook: one annotation per event on the series of the alerting group. */
export function annotateAlerts(writer: AnnotationWriter, logger: PipelineLogger): (event: AlertEvent, database: string) => void {
  return (event, database) => {
    writer
      .annotate({
        id: event.state.id,
        level: levelName(event.state.level),
        message: event.state.message,
        details: event.state.details,
        time: event.state.time,
        database,
        measurement: event.data.name,
        tags: event.data.tags,
      })
      .catch((err: unknown) =>
        logger.log('ERROR', 'failed to write alert annotation', { event: event.state.id, error: String(err) }),
      );
  };
}
