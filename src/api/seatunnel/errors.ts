// The SeaTunnel dialect's fixed request errors, with the exact texts clients and tests match on.

import { defineError } from '../../core/errors.ts';

export const bodyEmpty = defineError('E_ST_BODY_EMPTY', 'invalid', () => 'Request body is empty.');
export const bodyNotJson = defineError('E_ST_BODY_NOT_JSON', 'invalid', () => 'Invalid JSON format in request body.');
export const stopNeedsJobId = defineError('E_ST_STOP_NEEDS_ID', 'invalid', () => 'jobId cannot be empty.');
export const jobIdEmpty = defineError('E_ST_JOB_ID_EMPTY', 'invalid', () => 'The jobId must not be empty.');
export const badParams = defineError('E_ST_BAD_PARAMS', 'invalid', () => 'Invalid Params format in Params.');
export const badFormat = defineError('E_ST_BAD_FORMAT', 'invalid', (format: string) => `Unsupported format: ${format}`);
export const uploadMissing = defineError('E_ST_UPLOAD_MISSING', 'invalid', () => 'No config file was uploaded (multipart field config_file).');
export const bodyTooLarge = defineError('E_ST_BODY_TOO_LARGE', 'too_large', (detail: string) => detail);
export const badRequest = defineError('E_ST_BAD_REQUEST', 'invalid', (detail: string) => detail);
