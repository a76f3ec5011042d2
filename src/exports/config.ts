// Reads the `[exports]` section of the server configuration into export-service options.

import { parseDuration } from '../core/time.ts';
import { checkTimezone } from '../schedule/schedule.ts';
import type { ExportServiceOptions } from './export-service.ts';

export type ExportSettings = Pick<
  ExportServiceOptions,
  'timezone' | 'minIntervalMs' | 'missedRuns' | 'defaultOwner' | 'uniqueNames' | 'maxRows' | 'webhookTimeoutMs'
>;

/**
 * `[exports]` keys: `timezone` ("Asia/Shanghai"), `min-interval` ("1s"), `missed-runs` ("once" or
 * "skip"), `default-owner`, `unique-names` (bool), `max-rows` (int), `webhook-timeout` ("30s").
 * Snake-case spellings (`min_interval`) are accepted too. Throws an Error naming the key for any bad value.
 */
export function exportSettings(section: unknown): ExportSettings {
  if (section === undefined) return {};
  if (section === null || typeof section !== 'object' || Array.isArray(section)) throw new Error('[exports] must be a table');
  const out: ExportSettings = {};
  for (const [key, value] of Object.entries(section as Record<string, unknown>)) {
    const where = `[exports] ${key}`;
    switch (key.replaceAll('_', '-')) {
      case 'timezone':
        if (typeof value !== 'string') throw new Error(`${where} must be a string`);
        try {
          out.timezone = checkTimezone(value);
        } catch (err) {
          throw new Error(`${where}: ${(err as Error).message}`);
        }
        break;
      case 'min-interval':
        out.minIntervalMs = durationMs(value, where);
        break;
      case 'webhook-timeout':
        out.webhookTimeoutMs = durationMs(value, where);
        break;
      case 'missed-runs':
        if (value !== 'once' && value !== 'skip') throw new Error(`${where} must be "once" or "skip"`);
        out.missedRuns = value;
        break;
      case 'default-owner':
        if (typeof value !== 'string' || value === '') throw new Error(`${where} must be a non-empty string`);
        out.defaultOwner = value;
        break;
      case 'unique-names':
        if (typeof value !== 'boolean') throw new Error(`${where} must be true or false`);
        out.uniqueNames = value;
        break;
      case 'max-rows':
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new Error(`${where} must be a positive integer`);
        out.maxRows = value;
        break;
      default:
        throw new Error(`${where} is not a known setting`);
    }
  }
  return out;
}

function durationMs(value: unknown, where: string): number {
  const ns = typeof value === 'string' ? parseDuration(value) : undefined;
  if (ns === undefined || ns < 0) throw new Error(`${where} must be a duration such as "1s" or "5m"`);
  return ns / 1_000_000;
}
