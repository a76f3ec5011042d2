// When a batch task's query node fires: every `every` from the task's start, on multiples of `every`
// (`.align()`), or on a cron schedule (`.cron()`, Kapacitor's cronexpr fields read by src/schedule).

import { addDuration, compareInstants, diff, fromMillis, type Duration, type Instant, truncate } from '../core/time.ts';
import { cronSchedule, type Schedule } from '../schedule/schedule.ts';

/** The fire times of one query node. */
export interface BatchSchedule {
  /** The last fire time at or before `now`, or undefined when none has come yet. */
  latest(now: Instant): Instant | undefined;
  /** The first fire time strictly after `t`, or undefined when the schedule never fires again. */
  next(t: Instant): Instant | undefined;
}

/**
 * `.every(d)`: Go's ticker fires at start + k·d (k ≥ 1); with `.align()` Kapacitor waits for the
 * next multiple of `d` and then keeps to multiples of `d`.
 */
export function everySchedule(start: Instant, every: Duration, align: boolean): BatchSchedule {
  const first = align ? addDuration(truncate(start, every), every) : addDuration(start, every);
  // Whole steps from `first`; exact for the spans a task runs (diff is exact in whole ms).
  const latest = (now: Instant): Instant | undefined => {
    if (compareInstants(now, first) < 0) return undefined;
    return addDuration(first, Math.floor(diff(now, first) / every) * every);
  };
  return {
    latest,
    next(t) {
      const l = latest(t);
      return l === undefined ? first : addDuration(l, every);
    },
  };
}

/**
 * `.cron(expr)`: Kapacitor's gorhill/cronexpr fields. Five fields are a Unix crontab; six are
 * minutes … year (a 0 seconds field is prepended); seven are seconds … year. Those are read as
 * Quartz: a `*` day-of-month or day-of-week becomes `?` so that the other one decides, and
 * cronexpr's day numbers (Sunday = 0) become Quartz's (Sunday = 1).
 */
export function cronBatchSchedule(expression: string): BatchSchedule {
  const fields = expression.trim().split(/\s+/);
  let schedule: Schedule;
  if (fields.length === 5) {
    schedule = cronSchedule(fields.join(' '));
  } else {
    const quartz = fields.length === 6 ? ['0', ...fields] : [...fields];
    if (quartz.length === 7) quartz[5] = quartzWeekdays(quartz[5]);
    if (quartz.length === 7 && quartz[3] !== '?' && quartz[5] !== '?') {
      if (quartz[5] === '*') quartz[5] = '?';
      else if (quartz[3] === '*') quartz[3] = '?';
    }
    schedule = cronSchedule(quartz.join(' '));
  }
  return {
    latest(now) {
      const ms = schedule.previous(now.ms + 1);
      return ms === undefined ? undefined : fromMillis(ms);
    },
    next(t) {
      const ms = schedule.next(t.ms);
      return ms === undefined ? undefined : fromMillis(ms);
    },
  };
}

/** Day numbers of a cronexpr day-of-week field in Quartz's numbering; steps and `#n` stay. */
function quartzWeekdays(field: string): string {
  return field.replace(/(^|[,-])(\d+)/g, (_m, sep: string, day: string) => `${sep}${(Number(day) % 7) + 1}`);
}
