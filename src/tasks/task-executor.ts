// The contract between the tasks service and whatever runs tasks (the stream engine implements it).

import type { DBRP, Pipeline } from '../tick/pipeline.ts';

/** The task JSON's `stats` while executing: `{"task-stats": {...}, "node-stats": {...}}`. */
export interface TaskExecutionStats {
  'task-stats': { throughput: number };
  'node-stats': Record<string, Record<string, number>>;
}

/** A running task as the service sees it. */
export interface TaskHandle {
  /** Kapacitor's executing DOT (`dot-view=attributes` or `labels`). */
  dot(view: 'attributes' | 'labels'): string;
  stats(): TaskExecutionStats;
}

export interface StartTaskRequest {
  readonly id: string;
  readonly type: 'stream' | 'batch';
  readonly pipeline: Pipeline;
  readonly dbrps: readonly DBRP[];
  /** Per-task idle-group expiry in ms (0 = keep groups forever); absent = the executor's default. */
  readonly groupIdleMs?: number;
}

/**
 * Starts and stops tasks. `start` replaces any running task with the same id and throws (with the
 * message the API reports) when the pipeline cannot run; nothing is left running then.
 */
export interface TaskExecutor {
  start(request: StartTaskRequest): TaskHandle;
  stop(id: string): void;
  /** The handle of a running task, if it runs. */
  get(id: string): TaskHandle | undefined;
}
