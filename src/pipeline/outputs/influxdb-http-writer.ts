// influxDBOut to a real InfluxDB 1.x over HTTP: line protocol to /write, CREATE DATABASE through /query.

import type { Point } from '../../core/point.ts';
import { formatPoint } from '../../lineproto/format.ts';
import { outputWriteFailed } from '../errors.ts';
import type { PointWriter, WriteOptions } from './point-writer.ts';

export interface InfluxDBHttpConfig {
  /** Base URL, e.g. `http://localhost:8086`. */
  readonly url: string;
  readonly username?: string;
  readonly password?: string;
  readonly timeoutMs?: number;
}

export class InfluxDBHttpWriter implements PointWriter {
  /** One CREATE DATABASE per database and retention policy, shared by concurrent writes. */
  readonly #created = new Map<string, Promise<void>>();

  constructor(private readonly config: InfluxDBHttpConfig) {}

  #headers(): Record<string, string> {
    const h: Record<string, string> = {};
    if (this.config.username) {
      h.authorization = `Basic ${Buffer.from(`${this.config.username}:${this.config.password ?? ''}`).toString('base64')}`;
    }
    return h;
  }

  async #request(path: string, body: string, contentType: string): Promise<void> {
    const base = this.config.url.replace(/\/$/, '');
    let res: Response;
    try {
      res = await fetch(base + path, {
        method: 'POST',
        headers: { ...this.#headers(), 'content-type': contentType },
        body,
        signal: AbortSignal.timeout(this.config.timeoutMs ?? 10_000),
      });
    } catch (err) {
      throw outputWriteFailed(base, err instanceof Error ? err.message : String(err));
    }
    if (res.status >= 300) throw outputWriteFailed(base, `${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  }

  async write(points: readonly Point[], options: WriteOptions): Promise<void> {
    const byTarget = new Map<string, Point[]>();
    for (const p of points) {
      const key = `${p.database}\u0000${p.retentionPolicy}`;
      let list = byTarget.get(key);
      if (list === undefined) byTarget.set(key, (list = []));
      list.push(p);
    }
    for (const list of byTarget.values()) {
      const { database, retentionPolicy } = list[0];
      if (options.create) {
        const key = `${database}\u0000${retentionPolicy}`;
        let created = this.#created.get(key);
        if (created === undefined) {
          // Kapacitor's statement: the retention policy, when named, is created with the database.
          let q = `CREATE DATABASE ${quoteIdent(database)}`;
          if (retentionPolicy !== '') q += ` WITH NAME ${quoteIdent(retentionPolicy)}`;
          created = this.#request('/query', new URLSearchParams({ q }).toString(), 'application/x-www-form-urlencoded');
          this.#created.set(key, created);
          created.catch(() => this.#created.delete(key));
        }
        await created;
      }
      const params = new URLSearchParams({ db: database, precision: 'ns' });
      if (retentionPolicy) params.set('rp', retentionPolicy);
      if (options.consistency) params.set('consistency', options.consistency);
      const body = list.map((p) => formatPoint(p)).join('\n');
      await this.#request(`/write?${params}`, body, 'text/plain; charset=utf-8');
    }
  }
}

/** An InfluxQL identifier in double quotes. */
function quoteIdent(name: string): string {
  return `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
