// /api/query: OpenTSDB's JSON (POST) and query-string (GET) forms, with annotations in every result.

import { annotationJson } from '../../annotations/annotation.ts';
import { badJson, badQuery, missingStartTime } from '../../annotations/errors.ts';
import { parseOpentsdbTime } from '../../annotations/opentsdb-time.ts';
import type { DataQuery, OpentsdbQueryService, QueryResult, SubQuery } from '../../annotations/query-service.ts';
import { type TagFilter, buildTagFilter, tagFilterFromPair } from '../../annotations/tag-filter.ts';
import { methodNotAllowed } from './http-error.ts';
import { parseMetricQuery } from './metric-query.ts';
import type { Reply } from './reply.ts';
import { type OpentsdbRequest, hasContent, param, parseJsonBody } from './wire.ts';

interface Flags {
  msResolution: boolean;
  showTSUIDs: boolean;
}

export async function handleQuery(service: OpentsdbQueryService, req: OpentsdbRequest): Promise<Reply> {
  if (req.method !== 'GET' && req.method !== 'POST') throw methodNotAllowed(req.method);
  const { query, flags } = hasContent(req) ? readJsonQuery(req) : readQueryString(req);
  const results = await service.run(query);
  return { status: 200, body: results.map((r) => resultJson(r, flags)) };
}

function times(startText: string | undefined, endText: string | undefined, nowMs: number) {
  const startMs = parseOpentsdbTime(startText, nowMs);
  if (startMs < 0) throw missingStartTime();
  const end = parseOpentsdbTime(endText, nowMs);
  return { startMs, endMs: end < 0 ? nowMs : end };
}

function asText(v: unknown): string | undefined {
  return v === undefined || v === null ? undefined : String(v);
}

function readJsonQuery(req: OpentsdbRequest): { query: DataQuery; flags: Flags } {
  const body = parseJsonBody(req);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badJson('Unable to parse the query: expected an object');
  const o = body as Record<string, unknown>;
  if (!Array.isArray(o.queries)) throw badQuery('Missing queries');
  const queries = o.queries.map((q): SubQuery => {
    if (typeof q !== 'object' || q === null) throw badQuery('Invalid sub query');
    const s = q as Record<string, unknown>;
    const filters: TagFilter[] = [];
    if (s.tags && typeof s.tags === 'object') {
      for (const [k, v] of Object.entries(s.tags as Record<string, unknown>)) filters.push(tagFilterFromPair(k, String(v), true));
    }
    if (Array.isArray(s.filters)) {
      for (const f of s.filters as Record<string, unknown>[]) {
        filters.push(
          buildTagFilter({
            type: String(f.type ?? ''),
            tagk: String(f.tagk ?? ''),
            filter: String(f.filter ?? ''),
            groupBy: f.groupBy === true,
          }),
        );
      }
    }
    return {
      aggregator: String(s.aggregator ?? ''),
      metric: asText(s.metric),
      tsuids: Array.isArray(s.tsuids) ? s.tsuids.map(String) : undefined,
      filters,
      downsample: asText(s.downsample) || undefined,
      rate: s.rate === true,
    };
  });
  return {
    query: {
      ...times(asText(o.start), asText(o.end), req.nowMs),
      queries,
      noAnnotations: o.noAnnotations === true,
      globalAnnotations: o.globalAnnotations === true,
      showTSUIDs: o.showTSUIDs === true,
    },
    flags: { msResolution: o.msResolution === true || o.ms === true, showTSUIDs: o.showTSUIDs === true },
  };
}

function readQueryString(req: OpentsdbRequest): { query: DataQuery; flags: Flags } {
  const queries: SubQuery[] = [];
  for (const m of req.query.getAll('m')) {
    const q = parseMetricQuery(m, true);
    queries.push({ aggregator: q.aggregator!, metric: q.metric, filters: q.filters, downsample: q.downsample, rate: q.rate });
  }
  for (const t of req.query.getAll('tsuid')) {
    const colon = t.indexOf(':');
    if (colon <= 0) throw badQuery(`Invalid parameter tsuid=${t}`);
    queries.push({ aggregator: t.slice(0, colon), tsuids: t.slice(colon + 1).split(','), filters: [] });
  }
  // Boolean flags count by presence, as OpenTSDB's hasQueryStringParam does.
  const has = (name: string) => req.query.has(name);
  return {
    query: {
      ...times(param(req, 'start'), param(req, 'end'), req.nowMs),
      queries,
      noAnnotations: has('no_annotations'),
      globalAnnotations: has('global_annotations'),
      showTSUIDs: has('show_tsuids'),
    },
    flags: { msResolution: has('ms'), showTSUIDs: has('show_tsuids') },
  };
}

function resultJson(result: QueryResult, flags: Flags): Record<string, unknown> {
  const out: Record<string, unknown> = { metric: result.metric, tags: result.tags, aggregateTags: result.aggregateTags };
  if (flags.showTSUIDs) out.tsuids = result.tsuids;
  if (result.annotations !== undefined) out.annotations = result.annotations.map(annotationJson);
  if (result.globalAnnotations !== undefined) out.globalAnnotations = result.globalAnnotations.map(annotationJson);
  const dps: Record<string, number | null> = {};
  for (let i = 0; i < result.dps.times.length; i++) {
    const t = result.dps.times[i];
    dps[String(flags.msResolution ? t : Math.floor(t / 1000))] = result.dps.values[i];
  }
  out.dps = dps;
  return out;
}
