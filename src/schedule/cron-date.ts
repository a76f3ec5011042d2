// Pandora's calendar-style `cronDate` schedule: validation, defaults and its Quartz equivalent.

import { invalidCronDate } from './errors.ts';

export const FREQUENCIES = ['minute', 'hour', 'day', 'weekly', 'month', 'quarter', 'year'] as const;
export type Frequency = (typeof FREQUENCIES)[number];

/** A validated cronDate with every default applied; numbers, as Pandora's list replies show them. */
export interface CronDate {
  frequency: Frequency;
  /** Month within the quarter (1-3) or the year (1-12). */
  month: number;
  /** Weekday 1 = Monday ... 7 = Sunday for `weekly`; day of the month 1-31 or 32 = last day otherwise. */
  date: number;
  hour: number;
  minute: number;
}

/** The last-day-of-month sentinel in `date`. */
export const LAST_DAY = 32;

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Reads a cronDate from a request body. Numbers may come as numbers or as decimal strings (the
 * documented request examples send strings); absent, null or empty values take the defaults
 * (frequency `day`, month 1, date 1, hour 0, minute 0).
 */
export function parseCronDate(input: unknown): CronDate {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw invalidCronDate('interval.cronDate must be an object');
  }
  const raw = input as Record<string, unknown>;
  const frequencyValue = raw['frequency'];
  let frequency: Frequency = 'day';
  if (frequencyValue !== undefined && frequencyValue !== null && frequencyValue !== '') {
    if (typeof frequencyValue !== 'string' || !FREQUENCIES.includes(frequencyValue as Frequency)) {
      throw invalidCronDate(`frequency must be one of ${FREQUENCIES.join(', ')}, got ${JSON.stringify(frequencyValue)}`);
    }
    frequency = frequencyValue as Frequency;
  }
  const minute = integer(raw, 'minute', 0, 0, 59);
  const hour = integer(raw, 'hour', 0, 0, 23);
  const date = frequency === 'weekly' ? integer(raw, 'date', 1, 1, 7) : integer(raw, 'date', 1, 1, LAST_DAY);
  const month = frequency === 'quarter' ? integer(raw, 'month', 1, 1, 3) : integer(raw, 'month', 1, 1, 12);
  if (frequency === 'year' && date !== LAST_DAY && date > DAYS_IN_MONTH[month - 1]) {
    throw invalidCronDate(`date ${date} does not exist in month ${month}, so the task would never run`);
  }
  return { frequency, month, date, hour, minute };
}

function integer(raw: Record<string, unknown>, key: string, fallback: number, min: number, max: number): number {
  const value = raw[key];
  if (value === undefined || value === null || value === '') return fallback;
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) n = Number(value);
  else throw invalidCronDate(`${key} must be an integer, got ${JSON.stringify(value)}`);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw invalidCronDate(`${key} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

/**
 * The Quartz expression of a cronDate. Days 29-31 fire only in the months that have them (as
 * Quartz does); 32 means the last day of every month (`L`). Weekday 1 = Monday maps to Quartz 2.
 */
export function cronDateToQuartz(cd: CronDate): string {
  const day = cd.date === LAST_DAY ? 'L' : String(cd.date);
  switch (cd.frequency) {
    case 'minute':
      return '0 * * * * ?';
    case 'hour':
      return `0 ${cd.minute} * * * ?`;
    case 'day':
      return `0 ${cd.minute} ${cd.hour} * * ?`;
    case 'weekly':
      return `0 ${cd.minute} ${cd.hour} ? * ${(cd.date % 7) + 1}`;
    case 'month':
      return `0 ${cd.minute} ${cd.hour} ${day} * ?`;
    case 'quarter':
      return `0 ${cd.minute} ${cd.hour} ${day} ${[0, 3, 6, 9].map((q) => q + cd.month).join(',')} ?`;
    default:
      return `0 ${cd.minute} ${cd.hour} ${day} ${cd.month} ?`;
  }
}
