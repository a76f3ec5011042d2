// Test harness for the OpenTSDB end-to-end tests (test/opentsdb-*.test.ts): a listening native server over a fresh store.

import { request } from 'node:http';
import { AnnotationService } from '../../annotations/annotation-service.ts';
import { type OpentsdbListener, startOpentsdbListener } from './native-listener.ts';
import type { OpentsdbServices } from './plugin.ts';
import type { MetaStore } from '../../meta/meta-store.ts';
import { SqliteMetaStore } from '../../meta/sqlite-meta-store.ts';

export interface HttpResult {
  status: number;
  text: string;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read reply bodies field by field
  json(): any;
}

/** One HTTP exchange over node:http (fetch refuses a body on GET, which OpenTSDB clients send). */
export function call(base: string, method: string, path: string, body?: unknown): Promise<HttpResult> {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const headers: Record<string, string> = {};
  if (payload !== undefined) {
    headers['content-type'] = 'application/json; charset=UTF-8';
    headers['content-length'] = String(Buffer.byteLength(payload));
  }
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, base), { method, headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => {
        const text = Buffer.concat(parts).toString('utf8');
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') h.set(k, v);
        resolve({ status: res.statusCode ?? 0, text, headers: h, json: () => JSON.parse(text) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

export interface Harness {
  base: string;
  meta: MetaStore;
  annotations: AnnotationService;
  listener: OpentsdbListener;
  close(): Promise<void>;
}

/** Starts a native OpenTSDB listener on a free port; `extra` adds TSUID and query services. */
export async function startHarness(
  path = ':memory:',
  extra: (meta: MetaStore, annotations: AnnotationService) => Promise<Partial<OpentsdbServices>> = async () => ({}),
  bodyLimit?: number,
): Promise<Harness> {
  const meta = new SqliteMetaStore({ path });
  const annotations = new AnnotationService(meta);
  const services: OpentsdbServices = { annotations, ...(await extra(meta, annotations)) };
  const listener = await startOpentsdbListener({ services, port: 0, bodyLimit });
  return {
    base: listener.address,
    meta,
    annotations,
    listener,
    async close() {
      await listener.close();
      await meta.close();
    },
  };
}

export const TSUID = '000001000001000001';

/** The fixture of OpenTSDB's TestAnnotationRpc (reference A11). */
export async function seedAnnotations(annotations: AnnotationService): Promise<void> {
  await annotations.write(
    { tsuid: '', startTime: 1328140800, endTime: 1328140801, description: 'Description', notes: 'Notes', custom: { owner: 'ops' } },
    'replace',
  );
  await annotations.write({ tsuid: '', startTime: 1328140801, endTime: 1328140803, description: 'Global 2', notes: 'Nothing' }, 'replace');
  await annotations.write(
    { tsuid: TSUID, startTime: 1388450562, endTime: 1419984000, description: 'Hello!', notes: 'My Notes', custom: { owner: 'ops' } },
    'replace',
  );
  await annotations.write({ tsuid: TSUID, startTime: 1388450563, endTime: 1419984000, description: 'Note2', notes: 'Nothing' }, 'replace');
}
