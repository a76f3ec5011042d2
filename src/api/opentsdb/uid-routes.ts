// /api/suggest and /api/uid/{assign,tsmeta,uidmeta}: OpenTSDB's SuggestRpc and UniqueIdRpc over the TSUID service.

import {
  badJson,
  badMax,
  badUidType,
  missingAssignValues,
  missingParameter,
  missingType,
} from '../../annotations/errors.ts';
import { UID_KINDS, type UidKind, canonicalHex, splitTsuid, uidToHex } from '../../annotations/uid/tsuid.ts';
import type { OpentsdbSeries, TsuidService } from '../../annotations/uid/tsuid-service.ts';
import { OpentsdbHttpError, methodNotAllowed } from './http-error.ts';
import { parseMetricQuery } from './metric-query.ts';
import type { Reply } from './reply.ts';
import { type OpentsdbRequest, hasContent, param, parseJsonBody } from './wire.ts';

const SUGGEST_TYPES: Record<string, UidKind> = { metrics: 'metric', tagk: 'tagk', tagv: 'tagv' };

export async function handleSuggest(tsuids: TsuidService, req: OpentsdbRequest): Promise<Reply> {
  if (req.method !== 'GET' && req.method !== 'POST') throw methodNotAllowed(req.method);
  let type: string | undefined;
  let q: string | undefined;
  let maxText: string | undefined;
  if (req.method === 'POST' && hasContent(req)) {
    const body = parseJsonBody(req);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badJson('Unable to parse the suggest request');
    const map = body as Record<string, unknown>;
    const text = (v: unknown) => (v === undefined || v === null ? undefined : String(v));
    type = text(map.type);
    q = text(map.q);
    maxText = text(map.max);
    if (type === undefined || type === '') throw missingType();
  } else {
    type = param(req, 'type');
    if (type === undefined || type === '') throw missingParameter('type');
    q = param(req, 'q');
    maxText = param(req, 'max');
  }
  const kind = SUGGEST_TYPES[type];
  if (kind === undefined) throw badUidType(type);
  let max = 25;
  if (maxText !== undefined && maxText !== '') {
    if (!/^-?\d+$/.test(maxText.trim())) throw badMax();
    max = Number(maxText.trim());
  }
  await tsuids.series();
  return { status: 200, body: tsuids.uids.suggest(kind, q ?? '', max) };
}

export async function handleUid(tsuids: TsuidService, req: OpentsdbRequest): Promise<Reply> {
  switch (req.rest[0] ?? '') {
    case 'assign':
      return assign(tsuids, req);
    case 'tsmeta':
      return tsmeta(tsuids, req);
    case 'uidmeta':
      return uidmeta(tsuids, req);
    default:
      throw new OpentsdbHttpError(400, 'Other UID endpoints have not been implemented yet');
  }
}

async function assign(tsuids: TsuidService, req: OpentsdbRequest): Promise<Reply> {
  if (req.method !== 'GET' && req.method !== 'POST') throw methodNotAllowed(req.method);
  const requested = new Map<UidKind, string[]>();
  if (req.method === 'POST' && hasContent(req)) {
    const body = parseJsonBody(req);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badJson('Unable to parse the UID assignment request');
    for (const kind of UID_KINDS) {
      const names = (body as Record<string, unknown>)[kind];
      if (names === undefined || names === null) continue;
      if (!Array.isArray(names)) throw badJson(`Can not deserialize value of field "${kind}" as a list of strings`);
      if (names.length > 0) requested.set(kind, names.map(String));
    }
  } else {
    for (const kind of UID_KINDS) {
      const text = param(req, kind);
      if (text !== undefined && text !== '') requested.set(kind, text.split(','));
    }
  }
  if (requested.size === 0) throw missingAssignValues();
  await tsuids.series();
  const body: Record<string, Record<string, string>> = {};
  let failed = false;
  for (const [kind, names] of requested) {
    const outcomes = await tsuids.uids.assign(kind, names);
    for (const [name, outcome] of outcomes) {
      if ('uid' in outcome) {
        body[kind] ??= {};
        body[kind][name] = outcome.uid;
      } else {
        body[`${kind}_errors`] ??= {};
        body[`${kind}_errors`][name] = outcome.error;
        failed = true;
      }
    }
    body[kind] ??= {};
  }
  return { status: failed ? 400 : 200, body };
}

function uidMetaJson(kind: UidKind, uid: number, name: string): Record<string, unknown> {
  return {
    uid: uidToHex(uid),
    type: kind.toUpperCase(),
    name,
    description: '',
    notes: '',
    created: 0,
    custom: null,
    displayName: '',
  };
}

function tsMetaJson(tsuids: TsuidService, s: OpentsdbSeries): Record<string, unknown> {
  const split = splitTsuid(s.tsuid)!;
  const tags: Record<string, unknown>[] = [];
  for (const [k, v] of split.pairs) {
    tags.push(uidMetaJson('tagk', k, tsuids.uids.requireName('tagk', k)));
    tags.push(uidMetaJson('tagv', v, tsuids.uids.requireName('tagv', v)));
  }
  return {
    tsuid: s.tsuid,
    metric: uidMetaJson('metric', split.metric, s.metric),
    tags,
    description: '',
    notes: '',
    created: 0,
    units: '',
    retention: 0,
    max: 'NaN',
    min: 'NaN',
    displayName: '',
    dataType: '',
    lastReceived: 0,
    totalDatapoints: 0,
  };
}

/** `tsuid=<hex>` gives one TSMeta; `m=metric{tag=value,...}` gives every matching one (`*` matches any value). */
async function tsmeta(tsuids: TsuidService, req: OpentsdbRequest): Promise<Reply> {
  if (req.method !== 'GET') throw methodNotAllowed(req.method);
  const tsuid = param(req, 'tsuid');
  if (tsuid !== undefined) return { status: 200, body: tsMetaJson(tsuids, await tsuids.byTsuid(tsuid)) };
  const m = param(req, 'm');
  if (m === undefined) throw missingParameter('tsuid');
  const query = parseMetricQuery(m);
  tsuids.uids.require('metric', query.metric);
  const all = await tsuids.lookup(query.metric);
  const matched = all.filter((s) => query.filters.every((f) => f.matches(s.tags[f.tagk])));
  return { status: 200, body: matched.map((s) => tsMetaJson(tsuids, s)) };
}

async function uidmeta(tsuids: TsuidService, req: OpentsdbRequest): Promise<Reply> {
  if (req.method !== 'GET') throw methodNotAllowed(req.method);
  const uidText = param(req, 'uid');
  if (uidText === undefined || uidText === '') throw missingParameter('uid');
  const typeText = param(req, 'type');
  if (typeText === undefined || typeText === '') throw missingParameter('type');
  const kind = typeText.toLowerCase() === 'metrics' ? 'metric' : (typeText.toLowerCase() as UidKind);
  if (!UID_KINDS.includes(kind)) throw badUidType(typeText);
  await tsuids.series();
  const uid = Number.parseInt(canonicalHex(uidText), 16);
  return { status: 200, body: uidMetaJson(kind, uid, tsuids.uids.requireName(kind, uid)) };
}
