// Errors of the stream engine, worded as Kapacitor reports them where it has a wording.

import { defineError } from '../core/errors.ts';

export const badProperty = defineError(
  'E_PIPELINE_BAD_PROPERTY',
  'invalid',
  (node: string, property: string, want: string) => `${node}: property ${property} must be ${want}`,
);

export const unknownNodeKind = defineError(
  'E_PIPELINE_UNKNOWN_NODE',
  'invalid',
  (kind: string) => `unsupported node kind "${kind}"`,
);

export const invalidNode = defineError('E_PIPELINE_INVALID_NODE', 'invalid', (node: string, detail: string) => `${node}: ${detail}`);

/** A node's `.cluster()` names no `[[influxdb]]` entry (Kapacitor: NewNamedClient wrapped by the node). */
export const unknownInfluxCluster = defineError(
  'E_PIPELINE_UNKNOWN_CLUSTER',
  'invalid',
  (name: string) => `failed to get InfluxDB client: no such InfluxDB config ${name}`,
);

export const missingField = defineError(
  'E_PIPELINE_MISSING_FIELD',
  'invalid',
  (field: string) => `field "${field}" missing from point`,
);

export const httpOutNotFound = defineError(
  'E_PIPELINE_HTTP_OUT_NOT_FOUND',
  'not_found',
  (task: string, endpoint: string) => `no endpoint ${endpoint} on task ${task}`,
);

export const outputWriteFailed = defineError(
  'E_PIPELINE_WRITE_FAILED',
  'unavailable',
  (target: string, detail: string) => `failed to write points to ${target}: ${detail}`,
);
