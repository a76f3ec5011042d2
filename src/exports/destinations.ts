// Delivers a run's rows: a file under <dataDir>/exports/<taskId>/ or a POST to a webhook.

import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConnectorServices } from '../jobs/connectors/contract.ts';
import type { SplResult } from '../query/spl/executor.ts';
import { CONTENT_TYPES, encode } from './formats.ts';
import { deliverToSink, type SinkLookup } from './sink-destination.ts';
import type { Destination } from './task.ts';

export interface Delivery {
  taskId: string;
  count: number;
  /** Fire time of the run (ms). */
  time: number;
  result: SplResult;
}

export interface ExportedFile {
  path: string;
  contentType: string;
  size: number;
}

/** Files of every task, one per run: `<count>.csv` or `<count>.jsonl`. */
export class ExportFiles {
  readonly #root: string;

  constructor(dataDir: string) {
    this.#root = join(dataDir, 'exports');
  }

  /** Writes atomically (temporary file, then rename); resolves the file name. */
  async write(taskId: string, count: number, format: 'csv' | 'jsonl', body: string): Promise<string> {
    const dir = join(this.#root, safeSegment(taskId));
    await mkdir(dir, { recursive: true });
    const name = `${count}.${format}`;
    const temp = join(dir, `.${name}.tmp`);
    await writeFile(temp, body);
    await rename(temp, join(dir, name));
    return name;
  }

  async find(taskId: string, name: string): Promise<ExportedFile | undefined> {
    const path = join(this.#root, safeSegment(taskId), safeSegment(name));
    try {
      const s = await stat(path);
      const format = name.endsWith('.csv') ? 'csv' : 'jsonl';
      return { path, contentType: CONTENT_TYPES[format], size: s.size };
    } catch {
      return undefined;
    }
  }

  /** Removes every file of a task (when the task is deleted). */
  async removeTask(taskId: string): Promise<void> {
    await rm(join(this.#root, safeSegment(taskId)), { recursive: true, force: true });
  }
}

/** Task ids are UUIDs; anything else must not reach the file system as a path. */
function safeSegment(text: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(text) || text.startsWith('.')) throw new Error(`unsafe path segment: ${text}`);
  return text;
}

export interface DeliveryOptions {
  /** Abort a webhook call after this long; default 30 s. */
  timeoutMs?: number;
  sinks?: SinkLookup;
  sinkServices?: ConnectorServices;
  log?: (line: string) => void;
}

/** Delivers to the destination; resolves the file name for file destinations. */
export async function deliver(
  destination: Destination,
  delivery: Delivery,
  files: ExportFiles,
  options: DeliveryOptions = {},
): Promise<string | null> {
  if (destination.type === 'file') {
    return files.write(delivery.taskId, delivery.count, destination.format, encode(delivery.result, destination.format));
  }
  if (destination.type === 'sink') {
    const factory = options.sinks?.(destination.plugin);
    if (factory === undefined) throw new Error(`no sink plugin named "${destination.plugin}"`);
    await deliverToSink({
      factory,
      destination,
      taskId: delivery.taskId,
      count: delivery.count,
      result: delivery.result,
      services: options.sinkServices ?? {},
      log: options.log ?? (() => {}),
    });
    return null;
  }
  let response: Response;
  try {
    response = await fetch(destination.url, {
      method: 'POST',
      headers: {
        ...destination.headers,
        'Content-Type': CONTENT_TYPES[destination.format],
        'X-Export-Task': delivery.taskId,
        'X-Export-Run': String(delivery.count),
        'X-Export-Time': String(delivery.time),
      },
      body: encode(delivery.result, destination.format),
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
  } catch (err) {
    // fetch says only "fetch failed"; the reason (refused, DNS, timeout) is in its cause.
    const cause = (err as Error & { cause?: Error }).cause;
    throw new Error(`webhook ${destination.url} failed: ${cause?.message ?? (err as Error).message}`);
  }
  // Drain the body so the connection can be reused.
  await response.arrayBuffer().catch(() => undefined);
  if (!response.ok) throw new Error(`webhook ${destination.url} answered ${response.status} ${response.statusText}`.trim());
  return null;
}
