// Server configuration: defaults, then a TOML file, then INDUCTOR_* environment variables, then flags.

import { readFileSync } from 'node:fs';
import { parse as parseToml } from 'smol-toml';

/** A user who may call the API when authentication is on. */
export interface UserConfig {
  username: string;
  password: string;
  /** `admin` and `write` may change things; `read` may only look. */
  role: 'admin' | 'write' | 'read';
}

/** A static bearer token, standing for one user. */
export interface TokenConfig {
  token: string;
  username: string;
}

export interface Config {
  hostname: string;
  dataDir: string;
  http: {
    bindAddress: string;
    port: number;
    /** Largest accepted request body in bytes, after gzip decoding. */
    maxBodySize: number;
    authEnabled: boolean;
    /** Shared secret for HS256/384/512 JWT bearer tokens (Kapacitor's `[http] shared-secret`); empty = off. */
    sharedSecret: string;
  };
  auth: {
    users: UserConfig[];
    tokens: TokenConfig[];
  };
  logging: {
    level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
  };
  /** Raw sections for the services that own them (`[storage]`, `[exports]`, `[seatunnel]`, ...). */
  sections: Record<string, unknown>;
}

export const DEFAULT_PORT = 9092;

export function defaultConfig(): Config {
  return {
    hostname: 'localhost',
    dataDir: './data',
    http: {
      bindAddress: '127.0.0.1',
      port: DEFAULT_PORT,
      maxBodySize: 32 * 1024 * 1024,
      authEnabled: false,
      sharedSecret: '',
    },
    auth: { users: [], tokens: [] },
    logging: { level: 'info' },
    sections: {},
  };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Overrides from the command line; each wins over file and environment. */
export interface ConfigOverrides {
  port?: number;
  dataDir?: string;
  bindAddress?: string;
  logLevel?: string;
}

/**
 * Builds the effective configuration: defaults ← file (when given) ← environment ← overrides.
 * Throws ConfigError with a message naming the bad setting.
 */
export function loadConfig(
  options: { file?: string; env?: NodeJS.ProcessEnv; overrides?: ConfigOverrides } = {},
): Config {
  const config = defaultConfig();
  if (options.file !== undefined) applyToml(config, readConfigFile(options.file), options.file);
  applyEnv(config, options.env ?? {});
  applyOverrides(config, options.overrides ?? {});
  validate(config);
  return config;
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${path}: ${(err as Error).message}`);
  }
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError(`invalid config file ${path}: ${(err as Error).message}`);
  }
}

type Table = Record<string, unknown>;

function applyToml(config: Config, toml: Table, file: string): void {
  const where = (key: string) => `${file}: ${key}`;
  for (const [key, value] of Object.entries(toml)) {
    switch (key) {
      case 'hostname':
        config.hostname = str(value, where(key));
        break;
      case 'data_dir':
      case 'data-dir':
        config.dataDir = str(value, where(key));
        break;
      case 'http': {
        const http = table(value, where(key));
        for (const [k, v] of Object.entries(http)) {
          const at = where(`http.${k}`);
          if (k === 'bind-address') Object.assign(config.http, parseBindAddress(str(v, at), at));
          else if (k === 'port') config.http.port = port(v, at);
          else if (k === 'max-body-size') config.http.maxBodySize = positiveInt(v, at);
          else if (k === 'auth-enabled') config.http.authEnabled = bool(v, at);
          else if (k === 'shared-secret') config.http.sharedSecret = str(v, at);
          else throw new ConfigError(`${at}: unknown setting`);
        }
        break;
      }
      case 'auth': {
        const auth = table(value, where(key));
        for (const [k, v] of Object.entries(auth)) {
          const at = where(`auth.${k}`);
          if (k === 'users') config.auth.users = list(v, at).map((u, i) => parseUser(u, `${at}[${i}]`));
          else if (k === 'tokens') config.auth.tokens = list(v, at).map((t, i) => parseToken(t, `${at}[${i}]`));
          else throw new ConfigError(`${at}: unknown setting`);
        }
        break;
      }
      case 'logging': {
        const logging = table(value, where(key));
        for (const [k, v] of Object.entries(logging)) {
          if (k === 'level') config.logging.level = logLevel(str(v, where('logging.level')), where('logging.level'));
          else throw new ConfigError(`${where(`logging.${k}`)}: unknown setting`);
        }
        break;
      }
      default:
        // Other sections belong to the services that read them; each validates its own.
        config.sections[key] = value;
    }
  }
}

function applyEnv(config: Config, env: NodeJS.ProcessEnv): void {
  const get = (name: string) => {
    const v = env[name];
    return v === undefined || v === '' ? undefined : v;
  };
  const at = (name: string) => `environment variable ${name}`;
  const p = get('INDUCTOR_PORT');
  if (p !== undefined) config.http.port = port(Number(p), at('INDUCTOR_PORT'));
  const dir = get('INDUCTOR_DATA_DIR');
  if (dir !== undefined) config.dataDir = dir;
  const bind = get('INDUCTOR_BIND_ADDRESS');
  if (bind !== undefined) Object.assign(config.http, parseBindAddress(bind, at('INDUCTOR_BIND_ADDRESS')));
  const host = get('INDUCTOR_HOSTNAME');
  if (host !== undefined) config.hostname = host;
  const auth = get('INDUCTOR_AUTH_ENABLED');
  if (auth !== undefined) config.http.authEnabled = parseBoolText(auth, at('INDUCTOR_AUTH_ENABLED'));
  const level = get('INDUCTOR_LOG_LEVEL');
  if (level !== undefined) config.logging.level = logLevel(level, at('INDUCTOR_LOG_LEVEL'));
  const maxBody = get('INDUCTOR_MAX_BODY_SIZE');
  if (maxBody !== undefined) config.http.maxBodySize = positiveInt(Number(maxBody), at('INDUCTOR_MAX_BODY_SIZE'));
  const secret = get('INDUCTOR_SHARED_SECRET');
  if (secret !== undefined) config.http.sharedSecret = secret;
}

function applyOverrides(config: Config, o: ConfigOverrides): void {
  if (o.port !== undefined) config.http.port = port(o.port, '--port');
  if (o.dataDir !== undefined) config.dataDir = o.dataDir;
  if (o.bindAddress !== undefined) Object.assign(config.http, parseBindAddress(o.bindAddress, '--bind'));
  if (o.logLevel !== undefined) config.logging.level = logLevel(o.logLevel, '--log-level');
}

function validate(config: Config): void {
  if (config.http.authEnabled && config.auth.users.length === 0 && config.auth.tokens.length === 0 && config.http.sharedSecret === '') {
    throw new ConfigError('http.auth-enabled is true but no [[auth.users]], [[auth.tokens]] or http.shared-secret is configured');
  }
  const names = new Set(config.auth.users.map((u) => u.username));
  for (const t of config.auth.tokens) {
    if (!names.has(t.username)) throw new ConfigError(`auth.tokens: token for unknown user "${t.username}"`);
  }
}

/** Kapacitor writes `:9092` for "all interfaces, port 9092"; we accept `host:port`, `:port` and `host`. */
function parseBindAddress(text: string, at: string): { bindAddress: string; port?: number } {
  const colon = text.lastIndexOf(':');
  if (colon < 0) return { bindAddress: text };
  const host = text.slice(0, colon) || '0.0.0.0';
  return { bindAddress: host.replace(/^\[(.*)\]$/, '$1'), port: port(Number(text.slice(colon + 1)), at) };
}

function parseUser(value: unknown, at: string): UserConfig {
  const t = table(value, at);
  const role = t.role === undefined ? 'admin' : str(t.role, `${at}.role`);
  if (role !== 'admin' && role !== 'write' && role !== 'read') {
    throw new ConfigError(`${at}.role: must be "admin", "write" or "read", got "${role}"`);
  }
  return { username: str(t.username, `${at}.username`), password: str(t.password, `${at}.password`), role };
}

function parseToken(value: unknown, at: string): TokenConfig {
  const t = table(value, at);
  return { token: str(t.token, `${at}.token`), username: str(t.username, `${at}.username`) };
}

function str(v: unknown, at: string): string {
  if (typeof v !== 'string') throw new ConfigError(`${at}: expected a string`);
  return v;
}

function bool(v: unknown, at: string): boolean {
  if (typeof v !== 'boolean') throw new ConfigError(`${at}: expected true or false`);
  return v;
}

function parseBoolText(v: string, at: string): boolean {
  if (/^(true|1|yes|on)$/i.test(v)) return true;
  if (/^(false|0|no|off)$/i.test(v)) return false;
  throw new ConfigError(`${at}: expected true or false, got "${v}"`);
}

function table(v: unknown, at: string): Table {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ConfigError(`${at}: expected a table`);
  return v as Table;
}

function list(v: unknown, at: string): unknown[] {
  if (!Array.isArray(v)) throw new ConfigError(`${at}: expected an array of tables`);
  return v;
}

function port(v: unknown, at: string): number {
  const n = typeof v === 'bigint' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 65535) {
    throw new ConfigError(`${at}: expected a port number between 0 and 65535`);
  }
  return n;
}

function positiveInt(v: unknown, at: string): number {
  const n = typeof v === 'bigint' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0) throw new ConfigError(`${at}: expected a positive integer`);
  return n;
}

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

function logLevel(v: string, at: string): Config['logging']['level'] {
  const level = v.toLowerCase();
  if (!(LEVELS as readonly string[]).includes(level)) {
    throw new ConfigError(`${at}: expected one of ${LEVELS.join(', ')}, got "${v}"`);
  }
  return level as Config['logging']['level'];
}
