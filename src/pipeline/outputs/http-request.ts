// How a `[[httppost]]` request is put together, shared by httpPost nodes and the alert post handler:
// Go's Header.Set, an endpoint's own headers with its basic auth, and the funcs its templates see.

import { goJson } from '../../alert/event.ts';
import { goJsonValue } from '../../alert/templates.ts';
import type { HttpPostEndpointConfig } from '../../config/httppost-section.ts';

/** The funcs Kapacitor gives `[[httppost]]` templates (URL, row and alert templates alike). */
export const HTTPPOST_TEMPLATE_FUNCS = {
  json: (v: unknown) => `${goJson(goJsonValue(v))}\n`,
  jsonCompact: (v: unknown) => goJson(goJsonValue(v)),
};

/** Go's `Header.Set`: one value per name, whatever its case (fetch would join two spellings). */
export function setHeader(headers: Record<string, string>, name: string, value: string): void {
  const lower = name.toLowerCase();
  for (const k of Object.keys(headers)) if (k.toLowerCase() === lower) delete headers[k];
  headers[name] = value;
}

/** An endpoint's configured headers, with its basic auth as the Authorization header. */
export function endpointHeaders(e: HttpPostEndpointConfig): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const k in e.headers) setHeader(headers, k, e.headers[k]);
  if (e.basicAuth !== undefined) {
    setHeader(headers, 'Authorization', `Basic ${Buffer.from(`${e.basicAuth.username}:${e.basicAuth.password}`).toString('base64')}`);
  }
  return headers;
}
