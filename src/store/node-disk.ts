// The real disk for the embedded store: node:fs with explicit fdatasync and directory syncs.

import { constants, promises as fs } from 'node:fs';
import { dirname } from 'node:path';
import type { AppendFile, Disk } from './disk.ts';

class NodeAppendFile implements AppendFile {
  #size: number;
  readonly #handle: fs.FileHandle;

  constructor(handle: fs.FileHandle, size: number) {
    this.#handle = handle;
    this.#size = size;
  }

  get size(): number {
    return this.#size;
  }

  async append(chunks: readonly Uint8Array[]): Promise<void> {
    let total = 0;
    for (const c of chunks) total += c.byteLength;
    let written = 0;
    let list = chunks as Uint8Array[];
    // writev may write partially; loop until every byte is out.
    while (written < total) {
      const { bytesWritten } = await this.#handle.writev(list);
      written += bytesWritten;
      if (written < total) list = remaining(chunks, written);
    }
    this.#size += total;
  }

  async sync(): Promise<void> {
    await this.#handle.datasync();
  }

  async close(): Promise<void> {
    await this.#handle.close();
  }
}

function remaining(chunks: readonly Uint8Array[], skip: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const c of chunks) {
    if (skip >= c.byteLength) {
      skip -= c.byteLength;
      continue;
    }
    out.push(skip > 0 ? c.subarray(skip) : c);
    skip = 0;
  }
  return out;
}

async function syncDir(dir: string): Promise<void> {
  const h = await fs.open(dir, 'r');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

export const nodeDisk: Disk = {
  async mkdir(dir) {
    await fs.mkdir(dir, { recursive: true });
  },
  async list(dir) {
    try {
      return await fs.readdir(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  },
  async read(path) {
    try {
      return await fs.readFile(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  },
  async writeAtomic(path, chunks) {
    const tmp = `${path}.tmp`;
    const h = await fs.open(tmp, 'w');
    try {
      for (const c of chunks) await h.write(c);
      await h.datasync();
    } finally {
      await h.close();
    }
    await fs.rename(tmp, path);
    await syncDir(dirname(path));
  },
  async openAppend(path, { truncateTo, durableAppends } = {}) {
    const h = await fs.open(path, constants.O_RDWR | constants.O_CREAT | constants.O_APPEND | (durableAppends ? constants.O_DSYNC : 0));
    if (truncateTo !== undefined) {
      await h.truncate(truncateTo);
      await h.datasync();
    }
    const { size } = await h.stat();
    if (truncateTo === undefined) await syncDir(dirname(path));
    return new NodeAppendFile(h, size);
  },
  async remove(path) {
    await fs.rm(path, { force: true });
  },
};
