// The three OpenTSDB UID tables (metric, tagk, tagv), persisted in the metadata store so a name keeps
// its UID across restarts. UIDs are sequential per kind from 1, as OpenTSDB assigns them.

import type { DocumentCollection, MetaStore } from '../../meta/meta-store.ts';
import { invalidName, noSuchUid, noSuchUidName, uidsExhausted } from '../errors.ts';
import { MAX_UID, UID_KINDS, type UidKind, uidToHex } from './tsuid.ts';

interface KindTable {
  byName: Map<string, number>;
  byUid: Map<number, string>;
  /** Names in code-unit order, rebuilt lazily for suggestions. */
  sorted: string[] | undefined;
  docs: DocumentCollection<{ uid: number }>;
}

/** The outcome of an explicit assignment of one name (`/api/uid/assign`). */
export type AssignOutcome = { uid: string } | { error: string };

/** OpenTSDB's `Tags.validateString`: ASCII letters and digits, `-_./`, and any Unicode letter. */
export function validateName(kind: UidKind, name: string): void {
  if (name === '') throw invalidName(kind, name, '(empty)');
  for (const char of name) {
    if (/^[A-Za-z0-9\-_./]$/.test(char) || /^\p{L}$/u.test(char)) continue;
    throw invalidName(kind, name, char);
  }
}

export class UidTables {
  readonly #meta: MetaStore;
  readonly #counters: DocumentCollection<number>;
  readonly #tables = new Map<UidKind, KindTable>();
  #queue: Promise<void> = Promise.resolve();

  private constructor(meta: MetaStore) {
    this.#meta = meta;
    this.#counters = meta.documents<number>('opentsdb-uid-counter');
  }

  /** Loads every assigned UID from the metadata store. */
  static async open(meta: MetaStore): Promise<UidTables> {
    const tables = new UidTables(meta);
    for (const kind of UID_KINDS) {
      const docs = meta.documents<{ uid: number }>(`opentsdb-uid-${kind}`);
      const table: KindTable = { byName: new Map(), byUid: new Map(), sorted: undefined, docs };
      for (const { id, doc } of await docs.list()) {
        table.byName.set(id, doc.uid);
        table.byUid.set(doc.uid, id);
      }
      tables.#tables.set(kind, table);
    }
    return tables;
  }

  #table(kind: UidKind): KindTable {
    return this.#tables.get(kind)!;
  }

  uid(kind: UidKind, name: string): number | undefined {
    return this.#table(kind).byName.get(name);
  }

  name(kind: UidKind, uid: number): string | undefined {
    return this.#table(kind).byUid.get(uid);
  }

  /** The UID of a name, or OpenTSDB's NoSuchUniqueName error. */
  require(kind: UidKind, name: string): number {
    const uid = this.uid(kind, name);
    if (uid === undefined) throw noSuchUidName(kind === 'metric' ? 'metrics' : kind, name);
    return uid;
  }

  /** The name of a UID, or OpenTSDB's NoSuchUniqueId error. */
  requireName(kind: UidKind, uid: number): string {
    const name = this.name(kind, uid);
    if (name === undefined) throw noSuchUid(kind === 'metric' ? 'metrics' : kind, uidToHex(uid));
    return name;
  }

  /** Names of a kind starting with `prefix` (case-sensitive), sorted, at most `max`. */
  suggest(kind: UidKind, prefix: string, max: number): string[] {
    const table = this.#table(kind);
    table.sorted ??= [...table.byName.keys()].sort(byteOrder);
    const out: string[] = [];
    let lo = 0;
    let hi = table.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (byteOrder(table.sorted[mid], prefix) < 0) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < table.sorted.length && out.length < max; i++) {
      if (!table.sorted[i].startsWith(prefix)) break;
      out.push(table.sorted[i]);
    }
    return out;
  }

  /** Gives every name that has none a UID (in the order given); existing names keep theirs. */
  async ensure(kind: UidKind, names: Iterable<string>): Promise<void> {
    const table = this.#table(kind);
    const missing = [...new Set(names)].filter((n) => !table.byName.has(n));
    if (missing.length === 0) return;
    await this.#allocate(kind, missing);
  }

  /**
   * `/api/uid/assign` for one kind: new names get UIDs, names already assigned or invalid get an
   * error text (OpenTSDB's `<kind>_errors` entries).
   */
  async assign(kind: UidKind, names: readonly string[]): Promise<Map<string, AssignOutcome>> {
    const outcomes = new Map<string, AssignOutcome>();
    const fresh: string[] = [];
    for (const name of names) {
      const existing = this.uid(kind, name);
      if (existing !== undefined) {
        outcomes.set(name, { error: `Name already exists with UID: ${uidToHex(existing)}` });
        continue;
      }
      try {
        validateName(kind, name);
      } catch (err) {
        outcomes.set(name, { error: (err as Error).message });
        continue;
      }
      if (!fresh.includes(name)) fresh.push(name);
      // Reserves the name's place so the reply lists names in request order.
      outcomes.set(name, { uid: '' });
    }
    await this.#allocate(kind, fresh);
    for (const name of fresh) outcomes.set(name, { uid: uidToHex(this.uid(kind, name)!) });
    return outcomes;
  }

  /**
   * Allocations run one at a time: two requests that meet the same new name must not give it two
   * UIDs (the later would silently change TSUIDs already handed out).
   */
  #allocate(kind: UidKind, names: readonly string[]): Promise<void> {
    const next = this.#queue.then(() => this.#allocateNow(kind, names));
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async #allocateNow(kind: UidKind, requested: readonly string[]): Promise<void> {
    const table = this.#table(kind);
    const names = requested.filter((n) => !table.byName.has(n));
    if (names.length === 0) return;
    const assigned = await this.#meta.transaction(async () => {
      let last = (await this.#counters.get(kind)) ?? 0;
      if (last + names.length > MAX_UID) throw uidsExhausted(kind);
      const pairs: [string, number][] = [];
      for (const name of names) {
        last += 1;
        await table.docs.put(name, { uid: last });
        pairs.push([name, last]);
      }
      await this.#counters.put(kind, last);
      return pairs;
    });
    // Only after the commit: a rolled-back assignment leaves no trace in memory either.
    for (const [name, uid] of assigned) {
      table.byName.set(name, uid);
      table.byUid.set(uid, name);
    }
    table.sorted = undefined;
  }
}

/** Code-unit order: the same as UTF-8 byte order except between astral and U+E000–U+FFFF characters. */
function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
