// post handler: POSTs the event's JSON (or an endpoint's alert-template body) to a URL, with headers and a timeout.

import { parseDuration } from '../../core/time.ts';
import { invalidHandlerOptions } from '../errors.ts';
import { type AlertEvent, alertBody } from '../event.ts';
import { type CompiledTemplate, compileTemplate } from '../../tick/template.ts';
import { templateDuration, templateTime } from '../templates.ts';
import { levelName } from '../level.ts';
import { type AlertHandler, type HandlerEnv, type HandlerOptions, optBool, optRecord, optString } from './handler.ts';

/** The data alert-template bodies see: Kapacitor's alert.Data with Go field names. */
export function alertTemplateData(e: AlertEvent): Record<string, unknown> {
  return {
    ID: e.state.id,
    Message: e.state.message,
    Details: e.state.details,
    Time: templateTime(e.state.time),
    Duration: templateDuration(e.state.duration),
    Level: levelName(e.state.level),
    Data: {
      Series: e.data.series.map((r) => ({
        Name: r.name ?? '',
        Tags: r.tags ?? {},
        Columns: r.columns ?? [],
        Values: r.values ?? [],
      })),
    },
    PreviousLevel: levelName(e.previousLevel),
    Recoverable: e.data.recoverable,
  };
}

function timeoutMs(options: HandlerOptions): number {
  const v = options.timeout;
  if (v === undefined || v === null || v === '') return 0;
  if (typeof v === 'number') return v / 1e6;
  if (typeof v === 'string') {
    const ns = parseDuration(v);
    if (ns !== undefined) return ns / 1e6;
  }
  throw invalidHandlerOptions(`option timeout must be a duration, got ${JSON.stringify(v)}`);
}

export function postHandler(options: HandlerOptions, env: HandlerEnv): AlertHandler {
  let url = optString(options, 'url');
  const endpointName = optString(options, 'endpoint');
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  let template: CompiledTemplate | undefined;
  if (endpointName !== '' || url === '') {
    const name = endpointName === '' ? 'example' : endpointName;
    const ep = env.config.httppost.find((e) => e.endpoint === name);
    if (ep === undefined) throw invalidHandlerOptions(`endpoint '${name}' does not exist`);
    if (url === '') url = ep.url;
    Object.assign(headers, ep.headers);
    if (ep.alertTemplate !== '') template = compileTemplate('alert-template', ep.alertTemplate);
  }
  Object.assign(headers, optRecord(options, 'headers'));
  const capture = optBool(options, 'capture-response', false);
  const timeout = timeoutMs(options);
  try {
    new URL(url);
  } catch {
    throw invalidHandlerOptions(`invalid URL ${JSON.stringify(url)}`);
  }
  return {
    kind: 'post',
    async handle(event) {
      const body = template === undefined ? alertBody(event) : template.render(alertTemplateData(event));
      const res = await fetch(url, {
        method: 'POST',
        headers,
        body,
        signal: timeout > 0 ? AbortSignal.timeout(timeout) : undefined,
      });
      const text = await res.text();
      if (res.status < 200 || res.status >= 300) {
        throw new Error(`failed to POST alert data: ${res.status}${capture ? `: ${text}` : ''}`);
      }
    },
    close: async () => {},
  };
}
