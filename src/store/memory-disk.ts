// An in-memory Disk that remembers which bytes were synced, so tests can simulate a crash.

import type { AppendFile, AppendOptions, Disk } from './disk.ts';

interface MemFile {
  /** Everything written, synced or not. */
  data: Buffer;
  /** Bytes guaranteed to survive a crash. */
  synced: number;
}

export class MemoryDisk implements Disk {
  readonly files = new Map<string, MemFile>();
  /** Counts sync calls, for tests of group commit. */
  syncs = 0;

  async mkdir(): Promise<void> {}

  async list(dir: string): Promise<string[]> {
    const prefix = dir.endsWith('/') ? dir : `${dir}/`;
    const out: string[] = [];
    for (const path of this.files.keys()) {
      if (path.startsWith(prefix) && !path.slice(prefix.length).includes('/')) out.push(path.slice(prefix.length));
    }
    return out.sort();
  }

  async read(path: string): Promise<Buffer | undefined> {
    const f = this.files.get(path);
    return f === undefined ? undefined : Buffer.from(f.data);
  }

  async writeAtomic(path: string, chunks: readonly Uint8Array[]): Promise<void> {
    const data = Buffer.concat(chunks);
    this.files.set(path, { data, synced: data.length });
  }

  async openAppend(path: string, { truncateTo, durableAppends }: AppendOptions = {}): Promise<AppendFile> {
    let file = this.files.get(path);
    if (file === undefined) {
      file = { data: Buffer.alloc(0), synced: 0 };
      this.files.set(path, file);
    }
    if (truncateTo !== undefined) {
      file.data = file.data.subarray(0, truncateTo);
      file.synced = Math.min(file.synced, truncateTo);
    }
    const f = file;
    const disk = this;
    return {
      get size() {
        return f.data.length;
      },
      async append(chunks) {
        f.data = Buffer.concat([f.data, ...chunks]);
        if (durableAppends) {
          disk.syncs++;
          f.synced = f.data.length;
        }
      },
      async sync() {
        disk.syncs++;
        f.synced = f.data.length;
      },
      async close() {},
    };
  }

  async remove(path: string): Promise<void> {
    this.files.delete(path);
  }

  /**
   * What survives a power loss: each file keeps its synced bytes plus, optionally, `tornBytes` of
   * its unsynced tail (a torn write).
   */
  crash(tornBytes = 0): MemoryDisk {
    const after = new MemoryDisk();
    for (const [path, f] of this.files) {
      const keep = Math.min(f.data.length, f.synced + tornBytes);
      after.files.set(path, { data: Buffer.from(f.data.subarray(0, keep)), synced: keep });
    }
    return after;
  }

  /** What survives a killed process: everything written reached the OS. */
  processKill(): MemoryDisk {
    return this.crash(Number.MAX_SAFE_INTEGER);
  }
}
