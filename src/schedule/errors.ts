// Schedule errors: invalid cron expressions, invalid cronDate objects, schedules that fire too often.

import { defineError } from '../core/errors.ts';

export const invalidCron = defineError(
  'E_SCHEDULE_INVALID_CRON',
  'invalid',
  (expression: string, reason: string) => `invalid crontab "${expression}": ${reason}`,
);

export const invalidCronDate = defineError(
  'E_SCHEDULE_INVALID_CRONDATE',
  'invalid',
  (reason: string) => `invalid cronDate: ${reason}`,
);

export const scheduleTooFrequent = defineError(
  'E_SCHEDULE_TOO_FREQUENT',
  'invalid',
  (expression: string, gapMs: number, minMs: number) =>
    `schedule "${expression}" fires every ${gapMs / 1000}s, more often than the minimum interval of ${minMs / 1000}s`,
);

export const scheduleNeverFires = defineError(
  'E_SCHEDULE_NEVER_FIRES',
  'invalid',
  (expression: string) => `schedule "${expression}" never fires in the future`,
);

export const invalidTimezone = defineError(
  'E_SCHEDULE_INVALID_TIMEZONE',
  'invalid',
  (zone: string) => `unknown time zone "${zone}"`,
);
