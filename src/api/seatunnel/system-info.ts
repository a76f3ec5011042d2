// Real figures of this process and machine in the shape of SeaTunnel's system-monitoring-information.

import { readFileSync } from 'node:fs';
import os from 'node:os';
import { PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';

/** Java/Hazelcast-style sizes: "16.0G", "135.7M", "12.0K", "512". */
export function humanBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)}G`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)}M`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)}K`;
  return String(n);
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

function meminfo(): Record<string, number> {
  try {
    const out: Record<string, number> = {};
    for (const line of readFileSync('/proc/meminfo', 'utf8').split('\n')) {
      const m = /^(\w+):\s+(\d+) kB/.exec(line);
      if (m) out[m[1]] = Number(m[2]) * 1024;
    }
    return out;
  } catch {
    return {};
  }
}

function threadCount(): number {
  try {
    const m = /^Threads:\s+(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) : 1;
  } catch {
    return 1;
  }
}

function systemCpuTimes(): { idle: number; total: number } {
  let idle = 0;
  let total = 0;
  for (const c of os.cpus()) {
    idle += c.times.idle;
    total += c.times.idle + c.times.user + c.times.nice + c.times.sys + c.times.irq;
  }
  return { idle, total };
}

/** Samples CPU load between calls and counts garbage collections (minor = scavenges, major = the rest). */
export class SystemMonitor {
  #gc = { minorCount: 0, minorMs: 0, majorCount: 0, majorMs: 0 };
  #observer: PerformanceObserver;
  #lastCpu = process.cpuUsage();
  #lastAt = performance.now();
  #lastSys = systemCpuTimes();
  #peakThreads = 0;
  #operations = 0;

  constructor() {
    this.#observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
        // perf_hooks GC kinds: 1 = minor (scavenge); 2, 4, 8 = major, incremental, weak callbacks.
        if (kind === 1) {
          this.#gc.minorCount++;
          this.#gc.minorMs += e.duration;
        } else {
          this.#gc.majorCount++;
          this.#gc.majorMs += e.duration;
        }
      }
    });
    this.#observer.observe({ entryTypes: ['gc'] });
  }

  countOperation(): void {
    this.#operations++;
  }

  close(): void {
    this.#observer.disconnect();
  }

  snapshot(host: string, port: number, connections: number): Record<string, string> {
    const mem = meminfo();
    const heap = process.memoryUsage();
    const stats = v8.getHeapStatistics();
    const now = performance.now();
    const cpu = process.cpuUsage(this.#lastCpu);
    const elapsedMs = Math.max(1, now - this.#lastAt);
    const cores = os.cpus().length || 1;
    const loadProcess = (cpu.user + cpu.system) / 1000 / elapsedMs / cores;
    const sys = systemCpuTimes();
    const dTotal = sys.total - this.#lastSys.total;
    const loadSystem = dTotal > 0 ? 1 - (sys.idle - this.#lastSys.idle) / dTotal : 0;
    this.#lastCpu = process.cpuUsage();
    this.#lastAt = now;
    this.#lastSys = sys;
    const threads = threadCount();
    this.#peakThreads = Math.max(this.#peakThreads, threads);
    const heapUsed = heap.heapUsed;
    const heapTotal = heap.heapTotal;
    const heapMax = stats.heap_size_limit;
    return {
      processors: String(cores),
      'physical.memory.total': humanBytes(os.totalmem()),
      'physical.memory.free': humanBytes(os.freemem()),
      'swap.space.total': humanBytes(mem.SwapTotal ?? 0),
      'swap.space.free': humanBytes(mem.SwapFree ?? 0),
      'heap.memory.used': humanBytes(heapUsed),
      'heap.memory.free': humanBytes(Math.max(0, heapTotal - heapUsed)),
      'heap.memory.total': humanBytes(heapTotal),
      'heap.memory.max': humanBytes(heapMax),
      'heap.memory.used/total': pct(heapUsed / heapTotal),
      'heap.memory.used/max': pct(heapUsed / heapMax),
      'minor.gc.count': String(this.#gc.minorCount),
      'minor.gc.time': `${Math.round(this.#gc.minorMs)}ms`,
      'major.gc.count': String(this.#gc.majorCount),
      'major.gc.time': `${Math.round(this.#gc.majorMs)}ms`,
      'load.process': pct(Math.min(1, loadProcess)),
      'load.system': pct(Math.max(0, Math.min(1, loadSystem))),
      'load.systemAverage': os.loadavg()[0].toFixed(2),
      'thread.count': String(threads),
      'thread.peakCount': String(this.#peakThreads),
      'cluster.timeDiff': '0',
      'event.q.size': '0',
      'executor.q.async.size': '0',
      'executor.q.client.size': '0',
      'executor.q.client.query.size': '0',
      'executor.q.client.blocking.size': '0',
      'executor.q.query.size': '0',
      'executor.q.scheduled.size': '0',
      'executor.q.io.size': '0',
      'executor.q.system.size': '0',
      'executor.q.operations.size': '0',
      'executor.q.priorityOperation.size': '0',
      'operations.completed.count': String(this.#operations),
      'executor.q.mapLoad.size': '0',
      'executor.q.mapLoadAllKeys.size': '0',
      'executor.q.cluster.size': '0',
      'executor.q.response.size': '0',
      'operations.running.count': '0',
      'operations.pending.invocations.percentage': '0.00%',
      'operations.pending.invocations.count': '0',
      'proxy.count': '0',
      'clientEndpoint.count': '0',
      'connection.active.count': String(connections),
      'client.connection.count': '0',
      'connection.count': String(connections),
      host,
      port: String(port),
      isMaster: 'true',
    };
  }
}
