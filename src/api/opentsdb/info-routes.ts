// /api/version, /api/aggregators, /api/config and /api/config/filters: what clients (Grafana, the Go
// client) ask before querying. Every value of version and config is a string, as OpenTSDB sends them.

import { hostname } from 'node:os';
import { AGGREGATORS } from '../../annotations/aggregators.ts';
import { methodNotAllowed } from './http-error.ts';
import type { Reply } from './reply.ts';
import type { OpentsdbRequest } from './wire.ts';

/** The OpenTSDB release whose HTTP API this dialect follows. */
export const API_VERSION = '2.4.1';

export function handleVersion(serverVersion: string, req: OpentsdbRequest): Promise<Reply> {
  if (req.method !== 'GET' && req.method !== 'POST') throw methodNotAllowed(req.method);
  return Promise.resolve({
    status: 200,
    body: {
      version: API_VERSION,
      short_revision: '',
      full_revision: '',
      timestamp: '0',
      repo_status: 'MODIFIED',
      user: 'inductor',
      host: hostname(),
      repo: `inductor ${serverVersion}`,
      branch: '',
    },
  });
}

export function handleAggregators(req: OpentsdbRequest): Promise<Reply> {
  if (req.method !== 'GET' && req.method !== 'POST') throw methodNotAllowed(req.method);
  return Promise.resolve({ status: 200, body: [...AGGREGATORS].sort() });
}

const FILTERS: Record<string, { examples: string; description: string }> = {
  literal_or: {
    examples: 'host=literal_or(web01),  host=literal_or(web01|web02|web03)',
    description: 'Accepts one or more exact values and matches if the series contains any of them.',
  },
  iliteral_or: {
    examples: 'host=iliteral_or(web01),  host=iliteral_or(web01|web02|web03)',
    description: 'Like literal_or, ignoring case.',
  },
  not_literal_or: {
    examples: 'host=not_literal_or(web01|web02)',
    description: 'Matches series whose value is none of the given ones.',
  },
  not_iliteral_or: {
    examples: 'host=not_iliteral_or(web01|web02)',
    description: 'Like not_literal_or, ignoring case.',
  },
  wildcard: {
    examples: 'host=wildcard(web*),  host=wildcard(*.lga)',
    description: 'Glob match with * (case-sensitive).',
  },
  iwildcard: {
    examples: 'host=iwildcard(web*)',
    description: 'Glob match with * ignoring case.',
  },
  regexp: {
    examples: 'host=regexp(.*)  host=regexp(^web[0-9]+$)',
    description: 'Regular expression match (JavaScript syntax).',
  },
};

export function handleConfig(req: OpentsdbRequest): Promise<Reply> {
  if (req.method !== 'GET' && req.method !== 'POST') throw methodNotAllowed(req.method);
  if (req.rest[0] === 'filters') return Promise.resolve({ status: 200, body: FILTERS });
  return Promise.resolve({
    status: 200,
    body: {
      'tsd.core.meta.enable_tsuid_tracking': 'true',
      'tsd.http.request.enable_chunked': 'true',
      'tsd.http.show_stack_trace': 'false',
      'tsd.mode': 'rw',
      'tsd.storage.uid.width.metric': '3',
      'tsd.storage.uid.width.tagk': '3',
      'tsd.storage.uid.width.tagv': '3',
    },
  });
}
