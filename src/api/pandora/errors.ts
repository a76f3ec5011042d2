// Errors only the Pandora dialect raises (malformed requests and unknown routes).

import { defineError } from '../../core/errors.ts';

export const pandoraBadRequest = defineError('E_PANDORA_BAD_REQUEST', 'invalid', (reason: string) => reason);
export const pandoraRouteNotFound = defineError(
  'E_PANDORA_ROUTE_NOT_FOUND',
  'not_found',
  (method: string, path: string) => `no such API: ${method} ${path}`,
);
