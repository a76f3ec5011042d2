// Config "shade": encrypting and decrypting the sensitive options of sources and sinks (default, base64, aes-256-gcm).

import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { JsonObject, JsonValue } from './config/hocon.ts';
import { option } from './config/job-config.ts';
import { configInvalid, shadeFailed } from './errors.ts';

export interface Shade {
  identifier: string;
  encrypt(plain: string): string;
  decrypt(cipher: string): string;
}

/** The keys SeaTunnel treats as sensitive in every source and sink block. */
export const SENSITIVE_KEYS = ['password', 'username', 'auth', 'token', 'access_key', 'secret_key'];

const identity: Shade = { identifier: 'default', encrypt: (s) => s, decrypt: (s) => s };

const base64: Shade = {
  identifier: 'base64',
  encrypt: (s) => Buffer.from(s, 'utf8').toString('base64'),
  decrypt: (s) => {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 === 1) throw new Error('not base64');
    return Buffer.from(s, 'base64').toString('utf8');
  },
};

/**
 * AES-256-GCM: authenticated, so a wrong key or a tampered value fails instead of yielding garbage.
 * The wire form is base64(iv[12] | tag[16] | ciphertext). The key is 64 hex digits, or any
 * passphrase (hashed with SHA-256).
 */
export function aesGcmShade(secret: string): Shade {
  const key = /^[0-9a-fA-F]{64}$/.test(secret) ? Buffer.from(secret, 'hex') : createHash('sha256').update(secret, 'utf8').digest();
  return {
    identifier: 'aes-256-gcm',
    encrypt(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]).toString('base64');
    },
    decrypt(text) {
      const raw = Buffer.from(text, 'base64');
      if (raw.length < 28) throw new Error('too short');
      const d = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
      d.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8');
    },
  };
}

export class ShadeRegistry {
  readonly #shades = new Map<string, Shade>();
  constructor(aesKey?: string) {
    this.register(identity);
    this.register(base64);
    if (aesKey) this.register(aesGcmShade(aesKey));
  }
  register(s: Shade): void {
    this.#shades.set(s.identifier.toLowerCase(), s);
  }
  /** SeaTunnel falls back to the identity shade for an unknown identifier; AES without a key is an error. */
  /** The server's own AES shade, when a key is configured (used to seal stored configs). */
  get sealer(): Shade | undefined {
    return this.#shades.get('aes-256-gcm');
  }
  get(identifier: string): Shade {
    const s = this.#shades.get(identifier.toLowerCase());
    if (s) return s;
    if (identifier.toLowerCase() === 'aes-256-gcm') throw configInvalid('shade.identifier aes-256-gcm needs a key in the server config (jobs.shadeKey)');
    return identity;
  }
}

function sensitiveKeys(config: JsonObject): Set<string> {
  const keys = new Set(SENSITIVE_KEYS);
  const env = config.env;
  if (env && typeof env === 'object' && !Array.isArray(env)) {
    const extra = option(env, 'shade.options');
    if (Array.isArray(extra)) for (const k of extra) keys.add(String(k));
  }
  return keys;
}

function shadeOf(config: JsonObject, registry: ShadeRegistry): Shade {
  const env = config.env;
  const id = env && typeof env === 'object' && !Array.isArray(env) ? option(env, 'shade.identifier') : undefined;
  return registry.get(typeof id === 'string' ? id : 'default');
}

/** Applies `f` to the sensitive top-level keys of every source and sink block; returns a new config. */
function mapSensitive(config: JsonObject, f: (value: string, where: string) => string): JsonObject {
  const keys = sensitiveKeys(config);
  const out: JsonObject = { ...config };
  for (const section of ['source', 'sink'] as const) {
    const list = config[section];
    if (!Array.isArray(list)) continue;
    out[section] = list.map((item, i): JsonValue => {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) return item;
      const copy: JsonObject = { ...item };
      for (const k of Object.keys(copy)) {
        const v = copy[k];
        if (keys.has(k) && typeof v === 'string') copy[k] = f(v, `${section}[${i}].${k}`);
      }
      return copy;
    });
  }
  return out;
}

export function encryptConfig(config: JsonObject, registry: ShadeRegistry): JsonObject {
  for (const section of ['source', 'sink'] as const) {
    const list = config[section];
    if (!Array.isArray(list) || list.length === 0) throw configInvalid(`Miss <${section === 'source' ? 'Source' : 'Sink'}> config!`);
  }
  const shade = shadeOf(config, registry);
  return mapSensitive(config, (v) => shade.encrypt(v));
}

/** Decrypts before use; the error names the option but never its value. */
export function decryptConfig(config: JsonObject, registry: ShadeRegistry): JsonObject {
  const shade = shadeOf(config, registry);
  if (shade.identifier === 'default') return config;
  return mapSensitive(config, (v, where) => {
    try {
      return shade.decrypt(v);
    } catch {
      throw shadeFailed(`${where} could not be decrypted with ${shade.identifier}`);
    }
  });
}

/** A copy for logs: sensitive values replaced by `******` (SeaTunnel's desensitization). */
export function maskConfig(config: JsonObject): JsonObject {
  return mapSensitive(config, () => '******');
}

/** Encrypts the sensitive values of a config for storage (on top of whatever shade the user chose). */
export function sealConfig(config: JsonObject, sealer: Shade): JsonObject {
  return mapSensitive(config, (v) => sealer.encrypt(v));
}

/** Reverses `sealConfig`. */
export function unsealConfig(config: JsonObject, sealer: Shade): JsonObject {
  return mapSensitive(config, (v, where) => {
    try {
      return sealer.decrypt(v);
    } catch {
      throw shadeFailed(`${where} could not be unsealed with the server key`);
    }
  });
}
