// Export tasks as stored and as Pandora shows them, and the validation of create/update bodies.

import { parseSpl } from '../query/spl/parser.ts';
import { type CronDate, cronDateToQuartz, parseCronDate } from '../schedule/cron-date.ts';
import { checkTimezone, cronSchedule, type Schedule } from '../schedule/schedule.ts';
import type { ConnectorServices } from '../jobs/connectors/contract.ts';
import { invalidExportTask } from './errors.ts';
import { createSink, type SinkDestination, type SinkLookup } from './sink-destination.ts';

export type TaskStatus = 'running' | 'stopped';

export type ExportInterval = { type: 'cronDate'; cronDate: CronDate } | { type: 'crontab'; crontab: string };

/** Where a run's rows go: a file under the data directory (default), an HTTP webhook, or a job-engine sink. */
export type Destination =
  | { type: 'file'; format: 'csv' | 'jsonl' }
  | { type: 'webhook'; url: string; format: 'csv' | 'jsonl' | 'json'; headers: Record<string, string> }
  | SinkDestination;

export const DEFAULT_DESTINATION: Destination = { type: 'file', format: 'csv' };

/** The stored document. */
export interface ExportTask {
  id: string;
  name: string;
  description: string | null;
  spl: string;
  owner: string;
  interval: ExportInterval;
  /** Present only when the task body gave one (an extension to Pandora's body). */
  destination?: Destination;
  /** Present only when the task body gave one; otherwise the server's zone applies. */
  timezone?: string;
  status: TaskStatus;
  /** Runs so far. */
  count: number;
  createTime: number;
  updateTime: number;
  /** Fire time of the last run, -1 before the first. */
  lastRunTime: number;
  /** When the task last started running (created, resumed or edited): fires before it are never caught up. */
  activeSince: number;
}

/** One history row as stored. */
export interface RunRecord {
  taskId: string;
  /** Run sequence number, from 1. */
  count: number;
  /** The fire time the run stands for (ms). */
  time: number;
  status: 'success' | 'failed';
  message: string | null;
  tookMillis: number;
  /** Rows exported. */
  rows: number;
  /** The searched range. */
  startTime: number | null;
  endTime: number | null;
  /** File name under the task's export folder, for file destinations. */
  file: string | null;
}

export interface TaskInput {
  name: string;
  description: string | null;
  spl: string;
  interval: ExportInterval;
  destination: Destination | undefined;
  timezone: string | undefined;
}

export interface ScheduleRules {
  /** The zone used when a task names none. */
  timezone: string;
  minIntervalMs: number;
  now: number;
}

export interface InputRules extends ScheduleRules {
  /** The job engine's sink plugins; without it `sink` destinations are refused. */
  sinks?: SinkLookup;
  sinkServices?: ConnectorServices;
}

const MAX_NAME = 256;

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Validates a create/update body completely: name, SPL (parsed), schedule (compiled), extensions. */
export function parseTaskInput(body: unknown, rules: InputRules): TaskInput {
  if (!isObject(body)) throw invalidExportTask('the request body must be a JSON object');
  const { name, spl, interval, description } = body;
  if (typeof name !== 'string' || name.trim() === '') throw invalidExportTask('name is required');
  if (name.length > MAX_NAME) throw invalidExportTask(`name must be at most ${MAX_NAME} characters`);
  if (typeof spl !== 'string' || spl.trim() === '') throw invalidExportTask('spl is required');
  if (description !== undefined && description !== null && typeof description !== 'string') {
    throw invalidExportTask('description must be a string');
  }
  parseSpl(spl);
  let timezone: string | undefined;
  if (body.timezone !== undefined && body.timezone !== null) {
    if (typeof body.timezone !== 'string') throw invalidExportTask('timezone must be a string');
    timezone = checkTimezone(body.timezone);
  }
  const parsedInterval = parseInterval(interval);
  compileSchedule(parsedInterval, timezone ?? rules.timezone, rules);
  return {
    name,
    description: typeof description === 'string' ? description : null,
    spl,
    interval: parsedInterval,
    destination: parseDestination(body.destination, rules),
    timezone,
  };
}

function parseInterval(interval: unknown): ExportInterval {
  if (!isObject(interval)) throw invalidExportTask('interval is required');
  const { type } = interval;
  if (type === 'crontab') {
    const crontab = interval.crontab;
    if (typeof crontab !== 'string' || crontab.trim() === '') {
      throw invalidExportTask('interval.crontab is required when interval.type is "crontab"');
    }
    return { type, crontab: crontab.trim() };
  }
  if (type === 'cronDate') {
    if (interval.cronDate === undefined || interval.cronDate === null) {
      throw invalidExportTask('interval.cronDate is required when interval.type is "cronDate"');
    }
    return { type, cronDate: parseCronDate(interval.cronDate) };
  }
  throw invalidExportTask(`interval.type must be "cronDate" or "crontab", got ${JSON.stringify(type) ?? 'nothing'}`);
}

/** The schedule of an interval in a zone; with `rules.now` set, also checks it fires and is not too tight. */
export function compileSchedule(interval: ExportInterval, timezone: string, rules?: Omit<ScheduleRules, 'timezone'>): Schedule {
  const expression = interval.type === 'crontab' ? interval.crontab : cronDateToQuartz(interval.cronDate);
  return cronSchedule(expression, { timezone, minIntervalMs: rules?.minIntervalMs, now: rules?.now });
}

function parseDestination(value: unknown, rules: InputRules): Destination | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw invalidExportTask('destination must be an object');
  const type = value.type ?? 'file';
  const format = value.format;
  if (type === 'file') {
    if (format !== undefined && format !== 'csv' && format !== 'jsonl') {
      throw invalidExportTask('destination.format must be "csv" or "jsonl" for a file destination');
    }
    return { type, format: format ?? 'csv' };
  }
  if (type === 'webhook') {
    const url = value.url;
    if (typeof url !== 'string' || !/^https?:\/\/[^\s]+$/.test(url)) {
      throw invalidExportTask('destination.url must be an http or https URL for a webhook destination');
    }
    try {
      new URL(url);
    } catch {
      throw invalidExportTask(`destination.url is not a valid URL: ${url}`);
    }
    if (format !== undefined && format !== 'csv' && format !== 'jsonl' && format !== 'json') {
      throw invalidExportTask('destination.format must be "json", "jsonl" or "csv" for a webhook destination');
    }
    const headers: Record<string, string> = {};
    if (value.headers !== undefined) {
      if (!isObject(value.headers)) throw invalidExportTask('destination.headers must be an object of strings');
      for (const [k, v] of Object.entries(value.headers)) {
        if (typeof v !== 'string') throw invalidExportTask('destination.headers must be an object of strings');
        headers[k] = v;
      }
    }
    return { type, url, format: format ?? 'json', headers };
  }
  if (type === 'sink') return parseSinkDestination(value, rules);
  throw invalidExportTask(`destination.type must be "file", "webhook" or "sink", got ${JSON.stringify(type)}`);
}

/** `{"type":"sink","plugin":"Jdbc","options":{...}}`: the plugin must exist and accept the options. */
function parseSinkDestination(value: Record<string, unknown>, rules: InputRules): SinkDestination {
  const { plugin, options = {} } = value;
  if (typeof plugin !== 'string' || plugin === '') throw invalidExportTask('destination.plugin is required for a sink destination');
  if (!isObject(options)) throw invalidExportTask('destination.options must be an object');
  const factory = rules.sinks?.(plugin);
  if (factory === undefined) throw invalidExportTask(`destination.plugin: no sink plugin named "${plugin}"`);
  const destination: SinkDestination = { type: 'sink', plugin, options: options as SinkDestination['options'] };
  try {
    // Building the sink checks its options without connecting anywhere.
    createSink(factory, destination, 'export-validation', rules.sinkServices ?? {}, () => {});
  } catch (err) {
    throw invalidExportTask(`destination: ${(err as Error).message}`);
  }
  return destination;
}
