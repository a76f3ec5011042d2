// RFC 6902 JSON Patch (add, remove, replace, move, copy, test) over plain JSON values, for PATCH of topic handlers.

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export class PatchError extends Error {}

function parsePointer(p: string): string[] {
  if (p === '') return [];
  if (!p.startsWith('/')) throw new PatchError(`invalid JSON pointer ${JSON.stringify(p)}`);
  return p
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

function parentOf(doc: Json, path: string[]): { parent: Json; key: string } {
  let cur: Json = doc;
  for (let i = 0; i < path.length - 1; i++) {
    const k = path[i];
    if (Array.isArray(cur)) cur = cur[Number(k)];
    else if (cur !== null && typeof cur === 'object' && Object.hasOwn(cur, k)) cur = cur[k];
    else throw new PatchError(`path ${JSON.stringify(`/${path.join('/')}`)} does not exist`);
    if (cur === undefined) throw new PatchError(`path ${JSON.stringify(`/${path.join('/')}`)} does not exist`);
  }
  return { parent: cur, key: path[path.length - 1] };
}

function get(doc: Json, path: string[]): Json {
  if (path.length === 0) return doc;
  const { parent, key } = parentOf(doc, path);
  const v = Array.isArray(parent) ? parent[Number(key)] : parent !== null && typeof parent === 'object' ? parent[key] : undefined;
  if (v === undefined) throw new PatchError(`path ${JSON.stringify(`/${path.join('/')}`)} does not exist`);
  return v;
}

function arrayIndex(arr: Json[], key: string, forAdd: boolean): number {
  if (forAdd && key === '-') return arr.length;
  if (!/^(0|[1-9]\d*)$/.test(key)) throw new PatchError(`invalid array index ${JSON.stringify(key)}`);
  const i = Number(key);
  if (i > arr.length || (!forAdd && i === arr.length)) throw new PatchError(`array index ${i} out of bounds`);
  return i;
}

function add(doc: Json, path: string[], value: Json): Json {
  if (path.length === 0) return value;
  const { parent, key } = parentOf(doc, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, true), 0, value);
  else if (parent !== null && typeof parent === 'object') parent[key] = value;
  else throw new PatchError(`cannot add to a non-container at ${JSON.stringify(`/${path.join('/')}`)}`);
  return doc;
}

function remove(doc: Json, path: string[]): Json {
  if (path.length === 0) return null;
  const { parent, key } = parentOf(doc, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, false), 1);
  else if (parent !== null && typeof parent === 'object' && Object.hasOwn(parent, key)) delete parent[key];
  else throw new PatchError(`path ${JSON.stringify(`/${path.join('/')}`)} does not exist`);
  return doc;
}

function deepEqual(a: Json, b: Json): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(v: Json): Json {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object') {
    const out: { [k: string]: Json } = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys(v[k]);
    return out;
  }
  return v;
}

/** Applies `ops` to a copy of `doc`; throws PatchError with the reason when an operation fails. */
export function applyJsonPatch(doc: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw new PatchError('a JSON patch must be an array of operations');
  let out = clone(doc) as Json;
  for (const raw of ops) {
    if (raw === null || typeof raw !== 'object') throw new PatchError('each patch operation must be an object');
    const op = raw as { op?: unknown; path?: unknown; from?: unknown; value?: Json };
    if (typeof op.path !== 'string') throw new PatchError('patch operation is missing "path"');
    const path = parsePointer(op.path);
    switch (op.op) {
      case 'add':
        if (!('value' in op)) throw new PatchError('add operation is missing "value"');
        out = add(out, path, clone(op.value as Json));
        break;
      case 'remove':
        out = remove(out, path);
        break;
      case 'replace':
        if (!('value' in op)) throw new PatchError('replace operation is missing "value"');
        get(out, path);
        out = add(remove(out, path), path, clone(op.value as Json));
        break;
      case 'move':
      case 'copy': {
        if (typeof op.from !== 'string') throw new PatchError(`${op.op} operation is missing "from"`);
        const from = parsePointer(op.from);
        const value = clone(get(out, from));
        if (op.op === 'move') out = remove(out, from);
        out = add(out, path, value);
        break;
      }
      case 'test':
        if (!deepEqual(get(out, path), (op.value ?? null) as Json)) throw new PatchError(`testing value ${JSON.stringify(op.path)} failed`);
        break;
      default:
        throw new PatchError(`unexpected kind of operation ${JSON.stringify(op.op)}`);
    }
  }
  return out;
}
