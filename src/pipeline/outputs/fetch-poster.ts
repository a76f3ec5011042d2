// httpPost's HTTP client over the platform fetch (an adapter: the composition root hands it to the engine).

import type { HttpPoster } from './point-writer.ts';

export const fetchPoster: HttpPoster = {
  async post(url, body, headers, timeoutMs) {
    const res = await fetch(url, {
      method: 'POST',
      headers,
      body,
      signal: timeoutMs > 0 ? AbortSignal.timeout(timeoutMs) : undefined,
    });
    return { status: res.status, body: await res.text() };
  },
};
