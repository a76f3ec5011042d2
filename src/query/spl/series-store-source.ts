// The SPL row source over the series store: every retention policy of the selected databases.

import type { SeriesStore } from '../../store/series-store.ts';
import type { RowChunk, RowSource, SourceRequest } from './row-source.ts';

export class SeriesStoreRowSource implements RowSource {
  readonly #store: SeriesStore;

  constructor(store: SeriesStore) {
    this.#store = store;
  }

  async *chunks(request: SourceRequest): AsyncIterable<RowChunk> {
    const databases =
      request.index === undefined
        ? await this.#store.listDatabases()
        : [await this.#store.getDatabase(request.index)].filter((d) => d !== undefined);
    const start = request.startMs === undefined ? undefined : { ms: Math.ceil(request.startMs), ns: 0 };
    const end = request.endMs === undefined ? undefined : { ms: Math.ceil(request.endMs), ns: 0 };
    for (const db of databases) {
      for (const rp of db.retentionPolicies) {
        const scan = this.#store.scan({
          database: db.name,
          retentionPolicy: rp.name,
          measurement: request.sourcetype,
          start,
          end,
        });
        for await (const chunk of scan) {
          yield {
            index: db.name,
            sourcetype: chunk.series.measurement,
            tags: chunk.series.tags,
            length: chunk.length,
            timeMs: chunk.timeMs,
            timeNs: chunk.timeNs,
            fields: chunk.fields,
          };
        }
      }
    }
  }
}
