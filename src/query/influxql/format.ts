// Statement text as InfluxQL prints it (identifiers quoted only when needed), for messages that
// quote a statement back to the client.

import { formatInfluxDuration } from '../../core/time.ts';
import type { RetentionClause, Statement } from './ast.ts';
import { isKeyword } from './lexer.ts';

export function quoteIdentIfNeeded(name: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !isKeyword(name)) return name;
  return `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function rpClauses(rp: RetentionClause): string {
  let out = '';
  if (rp.duration !== undefined) out += ` DURATION ${formatInfluxDuration(rp.duration)}`;
  if (rp.replication !== undefined) out += ` REPLICATION ${rp.replication}`;
  if (rp.shardDuration !== undefined) out += ` SHARD DURATION ${formatInfluxDuration(rp.shardDuration)}`;
  return out;
}

/** The text of a data-definition statement; undefined for queries (SELECT, SHOW). */
export function formatDefinition(s: Statement): string | undefined {
  const q = quoteIdentIfNeeded;
  switch (s.kind) {
    case 'create_database': {
      if (s.rp === undefined) return `CREATE DATABASE ${q(s.name)}`;
      let out = `CREATE DATABASE ${q(s.name)} WITH${rpClauses(s.rp)}`;
      if (s.rp.name !== undefined) out += ` NAME ${q(s.rp.name)}`;
      return out;
    }
    case 'drop_database':
      return `DROP DATABASE ${q(s.name)}`;
    case 'create_retention_policy':
      return `CREATE RETENTION POLICY ${q(s.rp.name)} ON ${q(s.database)}${rpClauses(s.rp)}${s.rp.default ? ' DEFAULT' : ''}`;
    case 'alter_retention_policy':
      return `ALTER RETENTION POLICY ${q(s.name)} ON ${q(s.database)}${rpClauses(s.rp)}${s.rp.default ? ' DEFAULT' : ''}`;
    case 'drop_retention_policy':
      return `DROP RETENTION POLICY ${q(s.name)} ON ${q(s.database)}`;
    default:
      return undefined;
  }
}
