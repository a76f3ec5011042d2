// A local HTTP receiver for output tests: records every request and, while held, leaves them unanswered.

import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';

export interface ReceivedRequest {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export class HttpReceiver {
  readonly got: ReceivedRequest[] = [];
  /** `http://127.0.0.1:<port>` once started. */
  url = '';
  #held: ServerResponse[] = [];
  #holding = false;
  #server: Server | undefined;

  async start(): Promise<this> {
    this.#server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        this.got.push({ path: req.url ?? '', headers: req.headers, body });
        if (this.#holding) this.#held.push(res);
        else res.end();
      });
    });
    await new Promise<void>((r) => this.#server!.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.#server.address() as { port: number }).port}`;
    return this;
  }

  /** Leaves the next requests unanswered (a receiver slower than the writes). */
  hold(): void {
    this.#holding = true;
  }

  /** Answers the held requests and every later one at once. */
  release(): void {
    this.#holding = false;
    for (const res of this.#held.splice(0)) res.end();
  }

  /** The requests to `path`, once at least `n` have arrived (or after 3 s). */
  async at(path: string, n = 1): Promise<ReceivedRequest[]> {
    const hits = () => this.got.filter((g) => g.path === path);
    for (let i = 0; i < 300 && hits().length < n; i++) await new Promise((r) => setTimeout(r, 10));
    return hits();
  }

  async stop(): Promise<void> {
    this.release();
    this.#server!.closeAllConnections();
    await new Promise<void>((r) => this.#server!.close(() => r()));
  }
}
