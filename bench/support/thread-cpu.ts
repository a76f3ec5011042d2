// CPU seconds each thread of a process has used, read from Linux's /proc/<pid>/task/<tid>/stat.

import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux for every architecture Node runs on). */
const TICKS_PER_SECOND = 100;

/** Whether per-thread CPU times can be read here. */
export function threadCpuReadable(): boolean {
  return existsSync('/proc/self/task');
}

/** User + system CPU seconds by thread id; the thread whose id is `pid` is the main thread (the event loop). */
export function threadCpuSeconds(pid: number): Map<number, number> {
  const seconds = new Map<number, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    } catch {
      continue; // the thread ended between the listing and the read
    }
    // The command name may hold spaces and parentheses: the fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    seconds.set(Number(tid), (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND);
  }
  return seconds;
}

/** Each thread's CPU seconds between two readings (threads started in between count from zero). */
export function threadCpuDelta(before: Map<number, number>, after: Map<number, number>): Map<number, number> {
  const delta = new Map<number, number>();
  for (const [tid, s] of after) delta.set(tid, s - (before.get(tid) ?? 0));
  return delta;
}
