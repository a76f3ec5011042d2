// Errors only the Pandora dialect raises (malformed requests and unknown routes).

import { defineError } from '../../core/errors.ts';

export const pandoraBadRequest = defineError('E_PANDORA_BAD_REQUEST', 'invalid', (reason: string) => reason);
export const pandoraRouteNotFound = defineError(
  'E_PANDORA_ROUTE_NOT_FOUND',
  'not_found',
  (method: string, path: string) => `no such API: ${method} ${path}`,
);
export const pandoraUnsupportedMediaType = defineError(
  'E_PANDORA_UNSUPPORTED_MEDIA_TYPE',
  'invalid',
  (type: string) => `Content-Type must be application/json, got ${type === '' ? 'none' : type}`,
);
export const pandoraBodyTooLarge = defineError('E_PANDORA_BODY_TOO_LARGE', 'too_large', (limit: number) => `request body too large: the limit is ${limit} bytes`);
