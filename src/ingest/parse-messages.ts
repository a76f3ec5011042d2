// The messages between OffThreadParser and its parse workers.

import type { Instant } from '../core/time.ts';
import type { LineError } from '../lineproto/errors.ts';
import type { DecodedFields } from '../lineproto/field-values.ts';
import type { LineColumns } from '../lineproto/point-batch.ts';
import type { Precision } from '../lineproto/precision.ts';

/**
 * A body to scan, the first `length` bytes of `body`: a shared staging buffer the worker only reads
 * until it answers, or a buffer transferred to it, which it transfers back with the reply.
 */
export interface ScanRequest {
  readonly id: number;
  readonly body: SharedArrayBuffer | ArrayBuffer;
  readonly length: number;
  readonly precision: Precision;
  readonly now: Instant;
  /** Also decode the field values (for a write the series store will keep). */
  readonly decodeFields: boolean;
  /** Column buffers of released batches, transferred for the worker to reuse. */
  readonly spare: ArrayBuffer[];
}

/**
 * Scanned columns (transferred, with the body when it was transferred in), the bad lines of a
 * rejected body, or an unexpected failure.
 */
export type ScanReply =
  | {
      readonly id: number;
      readonly body: ArrayBuffer | undefined;
      readonly length: number;
      readonly cols: LineColumns;
      readonly fields: DecodedFields | undefined;
    }
  | { readonly id: number; readonly lineErrors: LineError[] }
  | { readonly id: number; readonly failure: string };

/** Sent once by a worker when it listens for requests. */
export interface WorkerReady {
  readonly ready: true;
}
