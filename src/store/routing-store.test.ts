// The routing store passes every case of the contract through to its backend.

import { openEmbeddedStore } from './embedded-store.ts';
import { MemoryDisk } from './memory-disk.ts';
import { RoutingSeriesStore } from './routing-store.ts';
import { runSeriesStoreCases } from './series-store.cases.ts';

runSeriesStoreCases('routing store over the embedded store', async () => {
  const disk = new MemoryDisk();
  let store = new RoutingSeriesStore(await openEmbeddedStore({ dir: '/r', disk }), new Map());
  return {
    store,
    reopen: async () => {
      await store.close();
      store = new RoutingSeriesStore(await openEmbeddedStore({ dir: '/r', disk }), new Map());
      return store;
    },
  };
});
