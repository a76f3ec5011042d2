// post handler: POSTs the event's JSON (or an endpoint's alert-template body) to a URL or a `[[httppost]]`
// endpoint (its URL template, headers and basic auth), with headers and a timeout.

import { parseDuration } from '../../core/time.ts';
import { invalidHandlerOptions } from '../errors.ts';
import { type AlertEvent, alertBody } from '../event.ts';
import { type CompiledTemplate, compileTemplate } from '../../tick/template.ts';
import { templateDuration, templateTime } from '../templates.ts';
import { endpointHeaders, HTTPPOST_TEMPLATE_FUNCS, setHeader } from '../../pipeline/outputs/http-request.ts';
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
  const headers: Record<string, string> = {};
  let template: CompiledTemplate | undefined;
  if (endpointName !== '' || url === '') {
    // Kapacitor's default configuration has one endpoint, named "example".
    const name = endpointName === '' ? 'example' : endpointName;
    const ep = env.config.httppost.find((e) => e.endpoint === name);
    if (ep === undefined) throw invalidHandlerOptions(`endpoint '${name}' does not exist`);
    if (url === '') url = ep.url;
    Object.assign(headers, endpointHeaders(ep));
    if (ep.alertTemplate !== '') template = compileTemplate('alert-template', ep.alertTemplate, { funcs: HTTPPOST_TEMPLATE_FUNCS });
  }
  // As for httpPost rows: a JSON body says so, a template's content type is the endpoint's to set.
  if (template === undefined) setHeader(headers, 'Content-Type', 'application/json');
  for (const [k, v] of Object.entries(optRecord(options, 'headers'))) setHeader(headers, k, v);
  const capture = optBool(options, 'capture-response', false);
  const timeout = timeoutMs(options);
  /** The URL, or its template over the alert data (an endpoint's url may be one, as in Kapacitor). */
  const target = url.includes('{{') ? compileTemplate('url', url, { funcs: HTTPPOST_TEMPLATE_FUNCS }) : url;
  if (typeof target === 'string') {
    try {
      new URL(target);
    } catch {
      throw invalidHandlerOptions(`invalid URL ${JSON.stringify(target)}`);
    }
  }
  return {
    kind: 'post',
    async handle(event) {
      const data = template !== undefined || typeof target !== 'string' ? alertTemplateData(event) : undefined;
      const body = template === undefined ? alertBody(event) : template.render(data);
      const res = await fetch(typeof target === 'string' ? target : target.render(data), {
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
