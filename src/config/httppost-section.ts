// `[[httppost]]` sections: named HTTP endpoints for httpPost().endpoint(name) and the alert post handler.

import { readFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { ConfigError } from './config.ts';

export interface HttpPostEndpointConfig {
  /** The name `.endpoint('name')` selects. */
  readonly endpoint: string;
  /** The URL, itself a Go template over the posted row (`http://x/{{.Name}}`). */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Sent as an Authorization header when both parts are set (Kapacitor's rule). */
  readonly basicAuth: { readonly username: string; readonly password: string } | undefined;
  /** Body template for alert events (`alert-template`, or the contents of `alert-template-file`); empty = JSON. */
  readonly alertTemplate: string;
  /** Body template for httpPost rows (`row-template`, or the contents of `row-template-file`); empty = JSON. */
  readonly rowTemplate: string;
}

const KEYS = new Set([
  'endpoint',
  'url',
  'headers',
  'basic-auth',
  'alert-template',
  'alert-template-file',
  'row-template',
  'row-template-file',
]);

/**
 * Reads Kapacitor's `[[httppost]]` array of tables with its validation (endpoint and url required,
 * a template given inline or as an absolute file path, not both). Files are read once, here.
 */
export function readHttpPostSection(raw: unknown): HttpPostEndpointConfig[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new ConfigError('[[httppost]] must be an array of tables');
  const seen = new Set<string>();
  return raw.map((entry, i): HttpPostEndpointConfig => {
    const at = `[[httppost]] #${i + 1}`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new ConfigError(`${at}: expected a table`);
    const t = entry as Record<string, unknown>;
    for (const key of Object.keys(t)) if (!KEYS.has(key)) throw new ConfigError(`${at}: ${key}: unknown setting`);
    const text = (key: string): string => {
      const v = t[key] ?? '';
      if (typeof v !== 'string') throw new ConfigError(`${at}: ${key} must be a string`);
      return v;
    };
    const endpoint = text('endpoint');
    if (endpoint === '') throw new ConfigError(`${at}: must specify endpoint name`);
    if (seen.has(endpoint)) throw new ConfigError(`${at}: endpoint "${endpoint}" is defined twice`);
    seen.add(endpoint);
    const url = text('url');
    if (url === '') throw new ConfigError(`${at} (${endpoint}): must specify url`);
    if (!url.includes('{{')) {
      try {
        new URL(url);
      } catch {
        throw new ConfigError(`${at} (${endpoint}): invalid URL ${JSON.stringify(url)}`);
      }
    }
    const template = (kind: 'alert' | 'row'): string => {
      const inline = text(`${kind}-template`);
      const file = text(`${kind}-template-file`);
      if (inline !== '' && file !== '') {
        throw new ConfigError(`${at} (${endpoint}): must specify only one of ${kind}-template and ${kind}-template-file`);
      }
      if (file === '') return inline;
      if (!isAbsolute(file)) throw new ConfigError(`${at} (${endpoint}): must use an absolute path for ${kind}-template-file`);
      try {
        return readFileSync(file, 'utf8');
      } catch (err) {
        throw new ConfigError(`${at} (${endpoint}): failed to read template file ${JSON.stringify(file)}: ${(err as Error).message}`);
      }
    };
    return {
      endpoint,
      url,
      headers: stringTable(t.headers, `${at} (${endpoint}): headers`),
      basicAuth: basicAuth(t['basic-auth'], `${at} (${endpoint}): basic-auth`),
      alertTemplate: template('alert'),
      rowTemplate: template('row'),
    };
  });
}

function stringTable(v: unknown, at: string): Record<string, string> {
  if (v === undefined) return {};
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ConfigError(`${at} must be a table`);
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) {
    if (typeof x !== 'string') throw new ConfigError(`${at}.${k} must be a string`);
    out[k] = x;
  }
  return out;
}

function basicAuth(v: unknown, at: string): HttpPostEndpointConfig['basicAuth'] {
  const t = stringTable(v, at);
  for (const k of Object.keys(t)) if (k !== 'username' && k !== 'password') throw new ConfigError(`${at}.${k}: unknown setting`);
  const username = t.username ?? '';
  const password = t.password ?? '';
  return username !== '' && password !== '' ? { username, password } : undefined;
}
