// The `[storage]` configuration section: fsync policy, snapshot and retention timing, the
// databases to create at start with their raw-write choice, and which of them live in InfluxDB.

import { DomainError } from '../core/errors.ts';
import { MILLISECOND, parseDuration } from '../core/time.ts';
import type { FsyncPolicy } from './wal.ts';

export interface DatabaseConfig {
  name: string;
  /** Keep the raw points of /write (InfluxDB's behaviour); default false (Kapacitor's). */
  storeRawWrites: boolean;
  backend: 'embedded' | 'influxdb';
}

export interface SeriesStoreConfig {
  fsync: FsyncPolicy;
  fsyncIntervalMs: number;
  snapshotIntervalMs: number;
  snapshotWalBytes: number;
  retentionIntervalMs: number;
  databases: DatabaseConfig[];
  influxdb?: { url: string; username?: string; password?: string };
}

export const DEFAULT_STORE_CONFIG: SeriesStoreConfig = {
  fsync: 'always',
  fsyncIntervalMs: 100,
  snapshotIntervalMs: 600_000,
  snapshotWalBytes: 256 * 1024 * 1024,
  retentionIntervalMs: 1_800_000,
  databases: [],
};

function bad(key: string, why: string): DomainError {
  return new DomainError('E_STORE_CONFIG', 'invalid', `storage.${key}: ${why}`);
}

function durationMs(key: string, v: unknown): number {
  if (typeof v !== 'string') throw bad(key, 'expected a duration such as "10m"');
  const d = parseDuration(v);
  if (d === undefined || d < 0) throw bad(key, `invalid duration ${JSON.stringify(v)}`);
  return d / MILLISECOND;
}

function str(key: string, v: unknown): string {
  if (typeof v !== 'string' || v === '') throw bad(key, 'expected a non-empty string');
  return v;
}

/**
 * Reads the TOML table (already parsed):
 *
 * ```toml
 * [storage]
 * fsync = "always"            # always | interval | never
 * fsync-interval = "100ms"
 * snapshot-interval = "10m"   # "0s" = only by WAL size and on shutdown
 * snapshot-wal-size = 268435456
 * retention-check-interval = "30m"
 * [storage.influxdb]
 * url = "http://127.0.0.1:8086"
 * [[storage.databases]]
 * name = "telegraf"
 * store-raw-writes = true
 * backend = "embedded"        # or "influxdb"
 * ```
 */
export function parseStoreConfig(section: unknown): SeriesStoreConfig {
  const config: SeriesStoreConfig = { ...DEFAULT_STORE_CONFIG, databases: [] };
  if (section === undefined) return config;
  if (typeof section !== 'object' || section === null) throw bad('', 'expected a table');
  for (const [key, v] of Object.entries(section)) {
    switch (key) {
      case 'fsync':
        if (v !== 'always' && v !== 'interval' && v !== 'never') throw bad(key, 'expected "always", "interval" or "never"');
        config.fsync = v;
        break;
      case 'fsync-interval':
        config.fsyncIntervalMs = durationMs(key, v);
        break;
      case 'snapshot-interval':
        config.snapshotIntervalMs = durationMs(key, v);
        break;
      case 'snapshot-wal-size':
        if (typeof v !== 'number' || !(v > 0)) throw bad(key, 'expected a positive number of bytes');
        config.snapshotWalBytes = v;
        break;
      case 'retention-check-interval':
        config.retentionIntervalMs = durationMs(key, v);
        break;
      case 'influxdb': {
        const t = v as Record<string, unknown>;
        config.influxdb = {
          url: str('influxdb.url', t.url),
          username: t.username === undefined ? undefined : str('influxdb.username', t.username),
          password: t.password === undefined ? undefined : String(t.password),
        };
        break;
      }
      case 'databases': {
        if (!Array.isArray(v)) throw bad(key, 'expected [[storage.databases]] tables');
        for (const [i, entry] of v.entries()) {
          const e = entry as Record<string, unknown>;
          const backend = e.backend ?? 'embedded';
          if (backend !== 'embedded' && backend !== 'influxdb') throw bad(`databases[${i}].backend`, 'expected "embedded" or "influxdb"');
          const raw = e['store-raw-writes'] ?? false;
          if (typeof raw !== 'boolean') throw bad(`databases[${i}].store-raw-writes`, 'expected true or false');
          config.databases.push({ name: str(`databases[${i}].name`, e.name), storeRawWrites: raw, backend });
        }
        break;
      }
      default:
        throw bad(key, 'unknown setting');
    }
  }
  if (config.databases.some((d) => d.backend === 'influxdb') && config.influxdb === undefined) {
    throw bad('influxdb', 'a database uses backend "influxdb" but [storage.influxdb] has no url');
  }
  return config;
}
