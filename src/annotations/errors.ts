// OpenTSDB annotation, UID and time-parsing errors, worded exactly as OpenTSDB 2.4 words them.

import { DomainError, defineError } from '../core/errors.ts';

/** The same catalogue entry with OpenTSDB's `details` text attached (its error envelope shows both). */
export function withDetails(err: DomainError, details: string): DomainError {
  return new DomainError(err.code, err.kind, err.message, details);
}

export const startTimeNotSet = defineError(
  'E_OTSDB_START_NOT_SET',
  'invalid',
  () => 'The start timestamp has not been set',
);
export const missingStartTime = defineError('E_OTSDB_MISSING_START', 'invalid', () => 'Missing start time');
export const annotationNotFound = defineError(
  'E_OTSDB_ANNOTATION_NOT_FOUND',
  'not_found',
  () => 'Unable to locate annotation in storage',
);
export const deleteFailed = defineError(
  'E_OTSDB_ANNOTATION_DELETE',
  'invalid',
  () => 'Unable to delete Annotation information',
);
export const missingContent = defineError('E_OTSDB_MISSING_CONTENT', 'invalid', () => 'Missing message content');
export const missingParameter = defineError(
  'E_OTSDB_MISSING_PARAMETER',
  'invalid',
  (name: string) => `Missing parameter <code>${name}</code>`,
);
export const bulkMissingStart = defineError(
  'E_OTSDB_BULK_MISSING_START',
  'invalid',
  () => 'Missing the start time value',
);
export const bulkMissingTarget = defineError(
  'E_OTSDB_BULK_MISSING_TARGET',
  'invalid',
  () => 'Missing the TSUIDs or global annotations flag',
);
export const endBeforeStart = defineError(
  'E_OTSDB_END_BEFORE_START',
  'invalid',
  () => 'The end timestamp cannot be less than the start timestamp',
);
export const uidEmpty = defineError('E_OTSDB_UID_EMPTY', 'invalid', () => 'UID was empty');
export const badHex = defineError(
  'E_OTSDB_BAD_HEX',
  'invalid',
  (text: string) => `contains illegal character for hexBinary: ${text}`,
);
export const badJson = defineError('E_OTSDB_BAD_JSON', 'invalid', (message: string) => message);
export const badTime = defineError('E_OTSDB_BAD_TIME', 'invalid', (message: string) => message);
export const invalidName = defineError(
  'E_OTSDB_INVALID_NAME',
  'invalid',
  (kind: string, name: string, char: string) => `Invalid ${kind} ("${name}"): illegal character: ${char}`,
);
export const noSuchUidName = defineError(
  'E_OTSDB_NO_SUCH_NAME',
  'not_found',
  (kind: string, name: string) => `No such name for '${kind}': '${name}'`,
);
export const noSuchUid = defineError(
  'E_OTSDB_NO_SUCH_UID',
  'not_found',
  (kind: string, uid: string) => `No such unique ID for '${kind}': ${uid}`,
);
export const uidsExhausted = defineError(
  'E_OTSDB_UIDS_EXHAUSTED',
  'internal',
  (kind: string) => `All Unique IDs for ${kind} on 3 bytes are already assigned!`,
);
export const missingAssignValues = defineError(
  'E_OTSDB_ASSIGN_EMPTY',
  'invalid',
  () => 'Missing values to assign UIDs',
);
export const badUidType = defineError('E_OTSDB_BAD_UID_TYPE', 'invalid', (type: string) => `Invalid 'type' parameter:${type}`);
export const missingType = defineError('E_OTSDB_MISSING_TYPE', 'invalid', () => "Missing 'type' parameter");
export const badMax = defineError('E_OTSDB_BAD_MAX', 'invalid', () => "Unable to parse 'max' as a number");
export const tsuidNotFound = defineError(
  'E_OTSDB_TSUID_NOT_FOUND',
  'not_found',
  () => 'Could not find Timeseries meta data',
);
export const badQuery = defineError('E_OTSDB_BAD_QUERY', 'invalid', (message: string) => message);
