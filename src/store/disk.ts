// The file operations the embedded store needs, behind an interface so its core can be tested
// against an in-memory disk that simulates crashes.

/** A file opened for appending (the WAL). */
export interface AppendFile {
  /** Bytes in the file, including appended but not yet synced ones. */
  readonly size: number;
  /** Appends the buffers in order with as few system calls as possible. */
  append(chunks: readonly Uint8Array[]): Promise<void>;
  /** Makes appended bytes durable (fdatasync). */
  sync(): Promise<void>;
  close(): Promise<void>;
}

export interface AppendOptions {
  /** Cut the file to this length first (a torn tail). */
  truncateTo?: number;
  /**
   * Every `append` resolves only once its bytes are durable (O_DSYNC): one system call per commit
   * instead of a write and an fdatasync.
   */
  durableAppends?: boolean;
}

export interface Disk {
  /** Creates a directory and its parents. */
  mkdir(dir: string): Promise<void>;
  /** File names (not paths) in a directory; [] when it does not exist. */
  list(dir: string): Promise<string[]>;
  /** The whole file, or undefined when it does not exist. */
  read(path: string): Promise<Buffer | undefined>;
  /** Replaces a file atomically and durably: temp file, sync, rename, sync the directory. */
  writeAtomic(path: string, chunks: readonly Uint8Array[]): Promise<void>;
  /** Opens (creating if needed) a file for appending. */
  openAppend(path: string, options?: AppendOptions): Promise<AppendFile>;
  remove(path: string): Promise<void>;
}

/** Path join for the '/'-separated paths the store uses. */
export function joinPath(dir: string, name: string): string {
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}
