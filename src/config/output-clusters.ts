// `[[influxdb]]` sections: the real InfluxDB 1.x servers influxDBOut writes to and batch queries read, by cluster name.

import { ConfigError } from './config.ts';

export interface InfluxdbCluster {
  /** The name `influxDBOut().cluster('name')` and `query(...).cluster('name')` select. */
  name: string;
  /** Base URL, e.g. `http://localhost:8086`. */
  url: string;
  username?: string;
  password?: string;
  timeoutMs?: number;
  /** Used by influxDBOut and query nodes that name no cluster (instead of the server's own store). */
  default: boolean;
}

/**
 * Resolves a node's `.cluster()` name to what serves it: a named entry's `remote`; for no name the
 * `default = true` entry's (Kapacitor's default cluster), else `local`, the server's own store.
 * Unknown names resolve to undefined. One `remote` is made per entry, up front.
 */
export function clusterResolver<T>(
  clusters: readonly InfluxdbCluster[],
  remote: (cluster: InfluxdbCluster) => T,
  local: T,
): (name: string) => T | undefined {
  const byName = new Map(clusters.map((c) => [c.name, remote(c)]));
  const fallback = clusters.find((c) => c.default);
  return (name) => {
    if (name !== '') return byName.get(name);
    return fallback === undefined ? local : byName.get(fallback.name);
  };
}

/**
 * Reads Kapacitor's `[[influxdb]]` array of tables: `name`, `urls` (the first is used), `username`,
 * `password`, `timeout` (seconds) and `default`. Without any, influxDBOut writes to the embedded store.
 */
export function readInfluxdbClusters(raw: unknown): InfluxdbCluster[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new ConfigError('[[influxdb]] must be an array of tables');
  const clusters = raw.map((entry, i): InfluxdbCluster => {
    const at = `[[influxdb]] #${i + 1}`;
    if (typeof entry !== 'object' || entry === null) throw new ConfigError(`${at}: expected a table`);
    const t = entry as Record<string, unknown>;
    const name = t.name ?? 'default';
    if (typeof name !== 'string' || name === '') throw new ConfigError(`${at}: name must be a non-empty string`);
    const urls = Array.isArray(t.urls) ? t.urls : [t.url];
    const url = urls[0];
    if (typeof url !== 'string' || !/^https?:\/\//.test(url)) throw new ConfigError(`${at} (${name}): urls must hold an http(s) URL`);
    for (const key of ['username', 'password'] as const) {
      if (t[key] !== undefined && typeof t[key] !== 'string') throw new ConfigError(`${at} (${name}): ${key} must be a string`);
    }
    const timeout = t.timeout;
    if (timeout !== undefined && (typeof timeout !== 'number' || timeout <= 0)) {
      throw new ConfigError(`${at} (${name}): timeout must be a positive number of seconds`);
    }
    return {
      name,
      url: url.replace(/\/+$/, ''),
      username: t.username as string | undefined,
      password: t.password as string | undefined,
      timeoutMs: timeout === undefined ? undefined : timeout * 1000,
      default: t.default === true,
    };
  });
  const names = new Set<string>();
  for (const c of clusters) {
    if (names.has(c.name)) throw new ConfigError(`[[influxdb]]: the name "${c.name}" is used twice`);
    names.add(c.name);
  }
  if (clusters.filter((c) => c.default).length > 1) throw new ConfigError('[[influxdb]]: only one entry may be default');
  return clusters;
}
