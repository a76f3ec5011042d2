// httpPost's HTTP client over the platform fetch, with the `[[httppost]]` endpoints (an adapter: the composition root builds it).

import type { HttpPostEndpointConfig } from '../../config/httppost-section.ts';
import type { HttpPostEndpoint, HttpPoster } from './point-writer.ts';

export function fetchPoster(endpoints: readonly HttpPostEndpointConfig[], maxQueued: number): HttpPoster {
  const byName = new Map<string, HttpPostEndpoint>();
  for (const e of endpoints) {
    const headers: Record<string, string> = { ...e.headers };
    if (e.basicAuth !== undefined) {
      headers.Authorization = `Basic ${Buffer.from(`${e.basicAuth.username}:${e.basicAuth.password}`).toString('base64')}`;
    }
    byName.set(e.endpoint, { url: e.url, headers, rowTemplate: e.rowTemplate });
  }
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
