// A compiled schedule: a validated Quartz or Unix cron expression in a time zone, answering "when next?".

import { Cron } from 'croner';
import { checkQuartzFields, checkUnixFields } from './cron-fields.ts';
import { invalidCron, invalidTimezone, scheduleNeverFires, scheduleTooFrequent } from './errors.ts';

export type CronDialect = 'quartz' | 'unix';

export interface Schedule {
  /** The cron expression that drives the schedule, as given (or as derived from a cronDate). */
  readonly expression: string;
  readonly dialect: CronDialect;
  /** IANA zone the fields are read in. */
  readonly timezone: string;
  /** The first fire time strictly after `afterMs` (epoch ms), or undefined when there is none. */
  next(afterMs: number): number | undefined;
  /** The last fire time strictly before `beforeMs`, or undefined when there is none. */
  previous(beforeMs: number): number | undefined;
}

export interface ScheduleOptions {
  /** IANA time zone; default `UTC`. */
  timezone?: string;
  /**
   * Reject schedules whose fires come closer together than this (ms). Checked over the first
   * `INTERVAL_SAMPLE` fires after `now`, which catches every regular schedule and most irregular ones.
   */
  minIntervalMs?: number;
  /** Reference time (epoch ms) for the "fires at all" and minimum-interval checks; default 0 skips them. */
  now?: number;
}

/** How many upcoming fires the minimum-interval check looks at. */
const INTERVAL_SAMPLE = 64;

/**
 * Compiles a cron expression. Five fields are a Unix crontab (minute precision, Sunday = 0 or 7,
 * day-of-month and day-of-week ORed as Vixie cron does); six or seven are Quartz (seconds first,
 * optional year, Sunday = 1, exactly one of day-of-month and day-of-week is `?`).
 */
export function cronSchedule(expression: string, options: ScheduleOptions = {}): Schedule {
  const text = expression.trim();
  const fields = text.split(/\s+/);
  if (text === '') throw invalidCron(expression, 'empty expression');
  const dialect: CronDialect = fields.length === 5 ? 'unix' : 'quartz';
  const problem = dialect === 'unix' ? checkUnixFields(fields) : checkQuartzFields(fields);
  if (problem) throw invalidCron(expression, problem);
  const timezone = checkTimezone(options.timezone ?? 'UTC');
  let cron: Cron;
  try {
    cron =
      dialect === 'quartz'
        ? new Cron(fields.join(' '), {
            paused: true,
            mode: '6-or-7-parts',
            alternativeWeekdays: true,
            sloppyRanges: true,
            timezone,
          })
        : new Cron(fields.join(' '), { paused: true, mode: '5-part', timezone });
  } catch (err) {
    throw invalidCron(expression, (err as Error).message.replace(/^CronPattern: /, ''));
  }
  const schedule: Schedule = {
    expression: text,
    dialect,
    timezone,
    next(afterMs) {
      const d = cron.nextRun(new Date(afterMs));
      return d === null ? undefined : d.getTime();
    },
    previous(beforeMs) {
      const runs = cron.previousRuns(1, new Date(beforeMs));
      return runs.length === 0 ? undefined : runs[0].getTime();
    },
  };
  if (options.now !== undefined && options.now > 0) {
    checkFires(schedule, options.now, options.minIntervalMs ?? 0);
  }
  return schedule;
}

function checkFires(schedule: Schedule, now: number, minIntervalMs: number): void {
  let previous = schedule.next(now);
  if (previous === undefined) throw scheduleNeverFires(schedule.expression);
  if (minIntervalMs <= 0) return;
  for (let i = 0; i < INTERVAL_SAMPLE; i++) {
    const next = schedule.next(previous);
    if (next === undefined) return;
    if (next - previous < minIntervalMs) throw scheduleTooFrequent(schedule.expression, next - previous, minIntervalMs);
    previous = next;
  }
}

const knownZones = new Map<string, boolean>();

/** Returns the zone when the runtime knows it, else throws. */
export function checkTimezone(zone: string): string {
  let ok = knownZones.get(zone);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      ok = true;
    } catch {
      ok = false;
    }
    knownZones.set(zone, ok);
  }
  if (!ok) throw invalidTimezone(zone);
  return zone;
}
