// OpenTSDB tag-value filters (literal_or, iliteral_or, not_literal_or, wildcard, iwildcard, regexp)
// and the 2.1-style tag map (`host=*`, `host=a|b`) that Grafana still sends.

import { badQuery } from './errors.ts';

export interface TagFilter {
  tagk: string;
  /** Results are split by this tag's values. */
  groupBy: boolean;
  /** Whether a series' value of `tagk` (undefined = the series lacks the tag) passes. */
  matches(value: string | undefined): boolean;
}

/** One filter as the JSON query states it. */
export interface TagFilterSpec {
  type: string;
  tagk: string;
  filter: string;
  groupBy?: boolean;
}

function globToRegExp(glob: string, flags: string): RegExp {
  const escaped = glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`, flags);
}

export function buildTagFilter(spec: TagFilterSpec): TagFilter {
  const { tagk, filter } = spec;
  const groupBy = spec.groupBy === true;
  if (tagk === '') throw badQuery('Missing tag key');
  const make = (test: (value: string) => boolean): TagFilter => ({
    tagk,
    groupBy,
    matches: (value) => value !== undefined && test(value),
  });
  switch (spec.type.toLowerCase()) {
    case 'literal_or': {
      const set = new Set(filter.split('|'));
      return make((v) => set.has(v));
    }
    case 'iliteral_or': {
      const set = new Set(filter.split('|').map((v) => v.toLowerCase()));
      return make((v) => set.has(v.toLowerCase()));
    }
    case 'not_literal_or': {
      const set = new Set(filter.split('|'));
      return make((v) => !set.has(v));
    }
    case 'not_iliteral_or': {
      const set = new Set(filter.split('|').map((v) => v.toLowerCase()));
      return make((v) => !set.has(v.toLowerCase()));
    }
    case 'wildcard': {
      const re = globToRegExp(filter, '');
      return make((v) => re.test(v));
    }
    case 'iwildcard': {
      const re = globToRegExp(filter, 'i');
      return make((v) => re.test(v));
    }
    case 'regexp': {
      let re: RegExp;
      try {
        re = new RegExp(filter);
      } catch (err) {
        throw badQuery(`Invalid regular expression: ${(err as Error).message}`);
      }
      return make((v) => re.test(v));
    }
    default:
      throw badQuery(`Could not find a filter plugin of type: ${spec.type}`);
  }
}

/**
 * A `tagk=value` pair from a tag map or `{...}` block: `*` and globs are wildcards, `a|b` is a
 * literal list, `type(expr)` names a filter explicitly.
 */
export function tagFilterFromPair(tagk: string, value: string, groupBy: boolean): TagFilter {
  const call = /^([a-z_]+)\((.*)\)$/i.exec(value);
  if (call) return buildTagFilter({ type: call[1], tagk, filter: call[2], groupBy });
  if (value.includes('*')) return buildTagFilter({ type: 'wildcard', tagk, filter: value, groupBy });
  return buildTagFilter({ type: 'literal_or', tagk, filter: value, groupBy });
}
