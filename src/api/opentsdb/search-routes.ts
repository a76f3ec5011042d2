// /api/search/lookup: time series by metric and tag pairs (`*` = any value), what Grafana's OpenTSDB
// data source uses to list tag keys and values for template variables.

import { badJson, badQuery } from '../../annotations/errors.ts';
import type { OpentsdbSeries, TsuidService } from '../../annotations/uid/tsuid-service.ts';
import { OpentsdbHttpError, methodNotAllowed } from './http-error.ts';
import type { Reply } from './reply.ts';
import { type OpentsdbRequest, hasContent, param, parseJsonBody } from './wire.ts';

interface Lookup {
  metric: string;
  tags: { key: string; value: string }[];
  limit: number;
}

function readQueryString(req: OpentsdbRequest): Lookup {
  const m = param(req, 'm');
  if (m === undefined || m === '') throw new OpentsdbHttpError(400, 'Missing the query string');
  const brace = m.indexOf('{');
  const metric = brace < 0 ? m : m.slice(0, brace);
  const tags: Lookup['tags'] = [];
  if (brace >= 0) {
    if (!m.endsWith('}')) throw badQuery(`Invalid parameter m=${m}`);
    for (const pair of m.slice(brace + 1, -1).split(',')) {
      if (pair.trim() === '') continue;
      const eq = pair.indexOf('=');
      if (eq < 0) throw badQuery(`Invalid tag pair: ${pair}`);
      tags.push({ key: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim() });
    }
  }
  return { metric, tags, limit: readLimit(param(req, 'limit')) };
}

function readBody(req: OpentsdbRequest): Lookup {
  const body = parseJsonBody(req);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badJson('Unable to parse the lookup query');
  const o = body as Record<string, unknown>;
  const tags = Array.isArray(o.tags)
    ? (o.tags as Record<string, unknown>[]).map((t) => ({ key: String(t.key ?? '*'), value: String(t.value ?? '*') }))
    : [];
  return { metric: String(o.metric ?? ''), tags, limit: readLimit(o.limit === undefined ? undefined : String(o.limit)) };
}

function readLimit(text: string | undefined): number {
  if (text === undefined || text === '') return 25;
  if (!/^\d+$/.test(text)) throw badQuery(`Unable to parse the limit: ${text}`);
  return Number(text);
}

function matches(series: OpentsdbSeries, lookup: Lookup): boolean {
  return lookup.tags.every(({ key, value }) => {
    if (key === '*') return Object.values(series.tags).includes(value);
    const v = series.tags[key];
    return v !== undefined && (value === '*' || v === value);
  });
}

export async function handleSearch(tsuids: TsuidService, req: OpentsdbRequest): Promise<Reply> {
  if (req.rest[0] !== 'lookup') throw new OpentsdbHttpError(501, 'Search type is not implemented yet');
  if (req.method !== 'GET' && req.method !== 'POST') throw methodNotAllowed(req.method);
  const started = performance.now();
  const lookup = hasContent(req) ? readBody(req) : readQueryString(req);
  if (lookup.metric === '*') lookup.metric = '';
  if (lookup.metric === '' && lookup.tags.length === 0) throw badQuery('Missing metric and tags. Please supply at least one value.');
  const candidates = lookup.metric === '' ? await tsuids.series() : await tsuids.lookup(lookup.metric);
  if (lookup.metric !== '') tsuids.uids.require('metric', lookup.metric);
  const found = candidates.filter((s) => matches(s, lookup));
  found.sort((a, b) => (a.tsuid < b.tsuid ? -1 : a.tsuid > b.tsuid ? 1 : 0));
  return {
    status: 200,
    body: {
      type: 'LOOKUP',
      metric: lookup.metric === '' ? '*' : lookup.metric,
      tags: lookup.tags,
      limit: lookup.limit,
      time: Math.round(performance.now() - started),
      results: found.slice(0, lookup.limit).map((s) => ({ tsuid: s.tsuid, metric: s.metric, tags: { ...s.tags } })),
      startIndex: 0,
      totalResults: found.length,
    },
  };
}
