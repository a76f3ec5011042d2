// Series-store errors, worded as InfluxDB 1.x words them.

import { defineError } from '../core/errors.ts';

export const databaseNotFound = defineError('E_STORE_DATABASE_NOT_FOUND', 'not_found', (name: string) => `database not found: ${name}`);
export const retentionPolicyNotFound = defineError(
  'E_STORE_RP_NOT_FOUND',
  'not_found',
  (name: string) => `retention policy not found: ${name}`,
);
export const retentionPolicyExists = defineError(
  'E_STORE_RP_CONFLICT',
  'conflict',
  () => 'retention policy already exists',
);
export const fieldTypeConflict = defineError(
  'E_STORE_FIELD_TYPE_CONFLICT',
  'invalid',
  (field: string, measurement: string, type: string, existing: string) =>
    `field type conflict: input field "${field}" on measurement "${measurement}" is type ${type}, already exists as type ${existing}`,
);
export const invalidName = defineError('E_STORE_INVALID_NAME', 'invalid', (what: string) => `invalid name: ${what}`);
export const retentionTooShort = defineError(
  'E_STORE_RP_DURATION',
  'invalid',
  () => 'retention policy duration must be at least 1h0m0s',
);
export const storeClosed = defineError('E_STORE_CLOSED', 'unavailable', () => 'series store is closed');
export const storeCorrupt = defineError('E_STORE_CORRUPT', 'internal', (detail: string) => `series store file corrupt: ${detail}`);
