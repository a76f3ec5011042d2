// Adapts the stream engine (src/pipeline/engine.ts) to the TaskExecutor contract the tasks service drives.

import type { StreamEngine } from '../pipeline/engine.ts';
import type { TaskExecutor, TaskHandle } from './task-executor.ts';

export function streamEngineExecutor(engine: StreamEngine): TaskExecutor {
  const handle = (id: string): TaskHandle => ({
    dot: (view) => engine.dot(id, view === 'labels') ?? '',
    stats: () => engine.stats(id) ?? { 'task-stats': { throughput: 0 }, 'node-stats': {} },
  });
  return {
    start(request) {
      engine.start({ id: request.id, pipeline: request.pipeline, dbrps: request.dbrps });
      return handle(request.id);
    },
    stop(id) {
      engine.stop(id);
    },
    get(id) {
      return engine.isExecuting(id) ? handle(id) : undefined;
    },
  };
}
