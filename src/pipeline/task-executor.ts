// The stream engine behind the tasks service's TaskExecutor contract.

import type { StartTaskRequest, TaskExecutionStats, TaskExecutor, TaskHandle } from '../tasks/task-executor.ts';
import type { StreamEngine } from './engine.ts';
import type { RunningTask } from './task.ts';

/** A start request that may also set the task's idle-group expiry (ms; 0 = keep groups forever). */
export interface StartStreamTaskRequest extends StartTaskRequest {
  readonly groupIdleMs?: number;
}

class Handle implements TaskHandle {
  constructor(private readonly task: RunningTask) {}
  dot(view: 'attributes' | 'labels'): string {
    return this.task.dot(view === 'labels');
  }
  stats(): TaskExecutionStats {
    return this.task.executionStats();
  }
}

export class StreamTaskExecutor implements TaskExecutor {
  constructor(private readonly engine: StreamEngine) {}

  start(request: StartStreamTaskRequest): TaskHandle {
    return new Handle(
      this.engine.start({ id: request.id, pipeline: request.pipeline, dbrps: request.dbrps, groupIdleMs: request.groupIdleMs }),
    );
  }

  stop(id: string): void {
    this.engine.stop(id);
  }

  get(id: string): TaskHandle | undefined {
    const task = this.engine.get(id);
    return task === undefined ? undefined : new Handle(task);
  }
}
