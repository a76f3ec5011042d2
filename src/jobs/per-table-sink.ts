// SeaTunnel's MultiTableSink: one sink instance per input table behind the single Sink the engine drives.

import type { JsonObject, JsonValue } from './config/hocon.ts';
import type { Sink } from './connectors/contract.ts';
import type { Row, TableSchema } from './row.ts';

/**
 * Routes each batch to the instance of its table. The commit info is an object keyed by table
 * index holding what each instance prepared, so a restored run commits every table again.
 */
export class PerTableSink implements Sink {
  readonly #sinks: Sink[];
  #opened = 0;

  constructor(sinks: Sink[]) {
    this.#sinks = sinks;
  }

  /** The engine opens a sink once per input table in table-index order: the n-th call opens instance n. */
  async open(input: TableSchema): Promise<void> {
    await this.#sinks[this.#opened].open(input);
    this.#opened++;
  }

  write(rows: Row[], table = 0): void | Promise<void> {
    return this.#sinks[table].write(rows, 0);
  }

  async prepareCommit(checkpointId: number): Promise<JsonValue | undefined> {
    let infos: JsonObject | undefined;
    for (let t = 0; t < this.#sinks.length; t++) {
      const info = await this.#sinks[t].prepareCommit(checkpointId);
      if (info !== undefined) (infos ??= {})[String(t)] = info;
    }
    return infos;
  }

  async commit(info: JsonValue): Promise<void> {
    for (const [t, part] of Object.entries(info as JsonObject)) await this.#sinks[Number(t)].commit(part);
  }

  async abort(): Promise<void> {
    for (const s of this.#sinks.slice(0, this.#opened)) await s.abort();
  }

  /** Closes every opened instance; the first failure (an Assert rule) is rethrown after all have closed. */
  async close(completed: boolean): Promise<void> {
    let failure: unknown;
    for (const s of this.#sinks.slice(0, this.#opened)) {
      try {
        await s.close(completed);
      } catch (err) {
        failure ??= err;
      }
    }
    if (failure !== undefined) throw failure;
  }
}
