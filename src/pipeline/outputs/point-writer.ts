// The contracts the output nodes write through: points to a series store or InfluxDB, JSON to HTTP receivers.

import type { Point } from '../../core/point.ts';

export interface WriteOptions {
  /** Create the database first if it does not exist (influxDBOut `.create()`). */
  readonly create: boolean;
  /** InfluxDB Enterprise write consistency; ignored by single-node targets. */
  readonly consistency: string;
}

/** Writes points; each point carries its own database and retention policy. */
export interface PointWriter {
  write(points: readonly Point[], options: WriteOptions): Promise<void>;
}

/** Resolves influxDBOut's `.cluster(name)` (empty = the default target) to a writer. */
export type PointWriterResolver = (cluster: string) => PointWriter | undefined;

/** A named `[[httppost]]` endpoint as httpPost nodes use it. */
export interface HttpPostEndpoint {
  /** A Go template over the posted row, or a plain URL. */
  readonly url: string;
  /** The configured headers, with basic auth already turned into an Authorization header. */
  readonly headers: Readonly<Record<string, string>>;
  /** Go template for the body; empty = `{"series":[row]}` JSON. */
  readonly rowTemplate: string;
}

/** A minimal HTTP client for httpPost (the composition root passes one over fetch) and its endpoints. */
export interface HttpPoster {
  post(
    url: string,
    body: string,
    headers: Record<string, string>,
    timeoutMs: number,
  ): Promise<{ status: number; body: string }>;
  endpoint(name: string): HttpPostEndpoint | undefined;
  /** Posts one node may have waiting or in flight (`[stream] http-post-queue-size`); more are dropped. */
  readonly maxQueued: number;
}
