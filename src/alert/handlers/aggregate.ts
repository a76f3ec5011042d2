// aggregate action: gathers events for an interval and collects one summary event into a topic.

import { parseDuration } from '../../core/time.ts';
import { invalidHandlerOptions } from '../errors.ts';
import type { AlertEvent } from '../event.ts';
import { type CompiledTemplate, compileTemplate } from '../../tick/template.ts';
import { templateDuration } from '../templates.ts';
import { type Level, OK } from '../level.ts';
import type { ResultRow } from '../../pipeline/result-row.ts';
import { type AlertHandler, type HandlerEnv, type HandlerOptions, optString } from './handler.ts';

const DEFAULT_MESSAGE = 'Received {{ .Count }} events in the last {{.Interval}}.';

/** The summary of a window of events: highest level, latest time, longest duration, messages as details. */
export function aggregateEvents(events: readonly AlertEvent[], id: string, topic: string, message: CompiledTemplate, intervalNs: number): AlertEvent {
  let level: Level = OK;
  let time = { ms: 0, ns: 0 };
  let duration = 0;
  const series: ResultRow[] = [];
  let external = false;
  for (const e of events) {
    if (e.state.level > level) level = e.state.level;
    if (e.state.time.ms > time.ms || (e.state.time.ms === time.ms && e.state.time.ns > time.ns)) time = e.state.time;
    if (e.state.duration > duration) duration = e.state.duration;
    series.push(...e.data.series);
    external ||= !e.noExternal;
  }
  return {
    topic,
    state: {
      id,
      message: message.render({ Count: BigInt(events.length), Interval: templateDuration(intervalNs) }),
      details: events.map((e) => e.state.message).join('\n'),
      time,
      duration,
      level,
    },
    data: { name: '', taskName: '', category: '', group: '', tags: {}, fields: {}, recoverable: true, series },
    previousLevel: OK,
    noExternal: !external,
  };
}

export function aggregateHandler(options: HandlerOptions, env: HandlerEnv): AlertHandler {
  const raw = options.interval;
  const intervalNs = typeof raw === 'number' ? raw : typeof raw === 'string' ? parseDuration(raw) : undefined;
  if (intervalNs === undefined || intervalNs <= 0) throw invalidHandlerOptions('aggregate: interval must be a positive duration');
  const id = optString(options, 'id');
  const topic = optString(options, 'topic');
  const message = compileTemplate('message', optString(options, 'message', DEFAULT_MESSAGE));
  message.render({ Count: 0n, Interval: templateDuration(0) });
  let pending: AlertEvent[] = [];
  const timer = setInterval(() => {
    if (pending.length === 0) return;
    const events = pending;
    pending = [];
    env.collect(aggregateEvents(events, id, topic, message, intervalNs));
  }, intervalNs / 1e6);
  timer.unref();
  return {
    kind: 'aggregate',
    async handle(event) {
      pending.push(event);
    },
    async close() {
      clearInterval(timer);
    },
  };
}
