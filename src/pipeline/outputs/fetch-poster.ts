// httpPost's HTTP client over the platform fetch, with the `[[httppost]]` endpoints (an adapter: the composition root builds it).

import type { HttpPostEndpointConfig } from '../../config/httppost-section.ts';
import { endpointHeaders } from './http-request.ts';
import type { HttpPostEndpoint, HttpPoster } from './point-writer.ts';

export function fetchPoster(endpoints: readonly HttpPostEndpointConfig[], maxQueued: number): HttpPoster {
  const byName = new Map<string, HttpPostEndpoint>();
  for (const e of endpoints) byName.set(e.endpoint, { url: e.url, headers: endpointHeaders(e), rowTemplate: e.rowTemplate });
  return {
    async post(url, body, headers, timeoutMs) {
      const res = await fetch(url, {
        method: 'POST',
        headers,
        body,
        signal: timeoutMs > 0 ? AbortSignal.timeout(timeoutMs) : undefined,
      });
      return { status: res.status, body: await res.text() };
    },
    endpoint: (name) => byName.get(name),
    maxQueued,
  };
}
