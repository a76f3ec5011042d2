// A job config (JSON or HOCON) turned into env options and ordered, wired plugin lists.

import { configInvalid, configSyntax, optionInvalid } from '../errors.ts';
import { type JsonObject, type JsonValue, parseHocon } from './hocon.ts';
import { parseSqlConfig } from './sql-config.ts';

export type JobMode = 'BATCH' | 'STREAMING';
export type Section = 'source' | 'transform' | 'sink';

export interface PluginConfig {
  section: Section;
  /** Position inside its section, as vertex names print it. */
  index: number;
  /** As written in the config (vertex names keep the spelling; lookup ignores case). */
  pluginName: string;
  options: JsonObject;
  /** `plugin_input` / `source_table_name`; undefined means "the previous plugin". */
  inputs?: string[];
  /** `plugin_output` / `result_table_name`. */
  output?: string;
  parallelism?: number;
}

export interface EnvOptions {
  mode: JobMode;
  parallelism: number;
  /** Milliseconds; undefined disables periodic checkpoints. */
  checkpointInterval?: number;
  /** Milliseconds a checkpoint may take before the run fails (`checkpoint.timeout`). */
  checkpointTimeout: number;
  jobName?: string;
  shadeIdentifier: string;
  /** Restarts of a failed pipeline from its last checkpoint (`job.retry.times`, 3 as in SeaTunnel). */
  retryTimes: number;
  retryIntervalSeconds: number;
  /** Every env key, as written. */
  raw: JsonObject;
}

export interface JobConfig {
  env: EnvOptions;
  sources: PluginConfig[];
  transforms: PluginConfig[];
  sinks: PluginConfig[];
}

export type ConfigFormat = 'json' | 'hocon' | 'sql';

/** Parses the text of a job file. JSON is checked strictly, then read again so that int64 values keep every digit. */
export function parseJobText(text: string, format: ConfigFormat, env: Record<string, string | undefined> = {}): JsonObject {
  if (format === 'json') {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw configSyntax(lineOfJsonError(text, err), (err as Error).message);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw configSyntax(1, 'a job config must be a JSON object');
    // JSON is HOCON; reading it again through the HOCON parser keeps big integers exact.
    return parseHocon(text, { env: {}, pluginSections: [] });
  }
  if (format === 'sql') return parseSqlConfig(text, env);
  return parseHocon(text, { env });
}

function lineOfJsonError(text: string, err: unknown): number {
  const m = /position (\d+)/.exec((err as Error).message);
  if (!m) return 1;
  return text.slice(0, Number(m[1])).split('\n').length;
}

/** Options a value may spell either flat (`row.num`) or nested (`row { num }`). */
export function option(options: JsonObject, key: string): JsonValue | undefined {
  if (Object.hasOwn(options, key)) return options[key];
  const parts = key.split('.');
  let cur: JsonValue | undefined = options;
  for (const p of parts) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !Object.hasOwn(cur, p)) return undefined;
    cur = cur[p];
  }
  return cur;
}

export function intOption(options: JsonObject, key: string, fallback: number, where: string): number {
  const v = option(options, key);
  if (v === undefined || v === null) return fallback;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : Number.NaN;
  if (!Number.isInteger(n)) throw configInvalid(`${where}: option '${key}' must be an integer, got ${JSON.stringify(v)}`);
  return n;
}

export function stringOption(options: JsonObject, key: string): string | undefined {
  const v = option(options, key);
  if (v === undefined || v === null) return undefined;
  return typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** A string option the plugin cannot do without: absent or empty, it is refused with SeaTunnel's message. */
export function requiredStringOption(options: JsonObject, key: string, where: string): string {
  const v = stringOption(options, key);
  if (!v) throw optionInvalid(where, `option '${key}' is required`);
  return v;
}

export function boolOption(options: JsonObject, key: string, fallback: boolean): boolean {
  const v = option(options, key);
  if (v === undefined || v === null) return fallback;
  if (typeof v === 'boolean') return v;
  return String(v).toLowerCase() === 'true';
}

function names(v: JsonValue | undefined): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return v.map((x) => String(x));
  const s = String(v).trim();
  return s === '' ? undefined : s.split(',').map((x) => x.trim());
}

function plugins(raw: JsonObject, section: Section, required: boolean): PluginConfig[] {
  const list = raw[section];
  if (list === undefined || list === null) {
    if (required) throw configInvalid(`Miss <${section === 'source' ? 'Source' : 'Sink'}> config!`);
    return [];
  }
  if (!Array.isArray(list)) throw configInvalid(`'${section}' must be a list of plugin configs`);
  if (required && list.length === 0) throw configInvalid(`Miss <${section === 'source' ? 'Source' : 'Sink'}> config!`);
  return list.map((item, index) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) throw configInvalid(`${section}[${index}] must be an object`);
    const name = item.plugin_name;
    if (typeof name !== 'string' || name === '') throw configInvalid(`${section}[${index}] has no plugin_name`);
    const output = item.plugin_output ?? item.result_table_name;
    const inputs = names(item.plugin_input ?? item.source_table_name);
    const par = item.parallelism;
    return {
      section,
      index,
      pluginName: name,
      options: item,
      inputs: section === 'source' ? undefined : inputs,
      output: section === 'sink' || output === undefined || output === null ? undefined : String(output),
      parallelism: par === undefined ? undefined : intOption(item, 'parallelism', 1, `${section}[${index}]`),
    };
  });
}

/** Validates the parsed tree and reads env defaults (BATCH, parallelism 1). */
export function buildJobConfig(raw: JsonObject): JobConfig {
  const envRaw = raw.env ?? {};
  if (envRaw === null || typeof envRaw !== 'object' || Array.isArray(envRaw)) throw configInvalid("'env' must be an object");
  const modeText = String(option(envRaw, 'job.mode') ?? 'BATCH').toUpperCase();
  if (modeText !== 'BATCH' && modeText !== 'STREAMING') throw configInvalid(`env job.mode must be BATCH or STREAMING, got '${modeText}'`);
  const parallelism = intOption(envRaw, 'parallelism', 1, 'env');
  if (parallelism < 1) throw configInvalid('env parallelism must be at least 1');
  const interval = option(envRaw, 'checkpoint.interval');
  const checkpointInterval = interval === undefined ? undefined : intOption(envRaw, 'checkpoint.interval', 0, 'env');
  if (checkpointInterval !== undefined && checkpointInterval <= 0) throw configInvalid('env checkpoint.interval must be positive');
  return {
    env: {
      mode: modeText,
      parallelism,
      checkpointInterval,
      checkpointTimeout: Math.max(1, intOption(envRaw, 'checkpoint.timeout', 60_000, 'env')),
      jobName: stringOption(envRaw, 'job.name'),
      shadeIdentifier: stringOption(envRaw, 'shade.identifier') ?? 'default',
      retryTimes: Math.max(0, intOption(envRaw, 'job.retry.times', 3, 'env')),
      retryIntervalSeconds: Math.max(0, intOption(envRaw, 'job.retry.interval.seconds', 3, 'env')),
      raw: envRaw,
    },
    sources: plugins(raw, 'source', true),
    transforms: plugins(raw, 'transform', false),
    sinks: plugins(raw, 'sink', true),
  };
}

/** Env options as the REST API shows them: every value a string. */
export function envOptionsAsStrings(env: JsonObject): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (obj: JsonObject, prefix: string) => {
    for (const [k, v] of Object.entries(obj)) {
      const key = prefix + k;
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) walk(v, `${key}.`);
      else out[key] = v === null ? 'null' : typeof v === 'string' ? v : JSON.stringify(v);
    }
  };
  walk(env, '');
  return out;
}
