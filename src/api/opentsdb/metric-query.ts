// OpenTSDB's query-string sub-query: `sum:1m-avg:rate:metric{host=*}{dc=lga}` and `sum:<tsuid>,<tsuid>`.

import { badQuery } from '../../annotations/errors.ts';
import { type TagFilter, tagFilterFromPair } from '../../annotations/tag-filter.ts';

export interface MetricQuery {
  aggregator?: string;
  downsample?: string;
  rate: boolean;
  metric: string;
  filters: TagFilter[];
}

function parseTagBlock(block: string, groupBy: boolean): TagFilter[] {
  if (block.trim() === '') return [];
  return block.split(',').map((pair) => {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw badQuery(`Invalid tag filter: ${pair}`);
    return tagFilterFromPair(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim(), groupBy);
  });
}

/** `m=` values; with `requireAggregator` false a bare `metric{tags}` is accepted (tsmeta look-ups). */
export function parseMetricQuery(text: string, requireAggregator = false): MetricQuery {
  const brace = text.indexOf('{');
  const head = brace < 0 ? text : text.slice(0, brace);
  const tail = brace < 0 ? '' : text.slice(brace);
  const parts = head.split(':');
  const metric = parts.pop() ?? '';
  if (metric === '') throw badQuery('Missing metric');
  const query: MetricQuery = { rate: false, metric, filters: [] };
  if (parts.length > 0) query.aggregator = parts.shift();
  else if (requireAggregator) throw badQuery(`Invalid parameter m=${text}`);
  for (const part of parts) {
    if (/^rate(\{.*\})?$/.test(part)) query.rate = true;
    else if (/^(\d+[a-z]+|0all)-/.test(part)) query.downsample = part;
    else throw badQuery(`Invalid parameter m=${text}`);
  }
  const blocks = /^(?:\{([^}]*)\})?(?:\{([^}]*)\})?$/.exec(tail);
  if (!blocks) throw badQuery(`Invalid parameter m=${text}`);
  query.filters = [...parseTagBlock(blocks[1] ?? '', true), ...parseTagBlock(blocks[2] ?? '', false)];
  return query;
}
