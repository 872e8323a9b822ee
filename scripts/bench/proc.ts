/**
 * Memory of a running process from /proc (Linux): its resident set now and its peak (VmHWM), in
 * MB, for the kube-apiserver, etcd and kwok figures the benchmark prints.
 */
import { readFileSync } from 'node:fs';

export function memoryOf(pid: number): { rssMB: number; peakMB: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kB = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMB: Math.round(kB('VmRSS') / 1024), peakMB: Math.round(kB('VmHWM') / 1024) };
  } catch {
    return undefined;
  }
}

export function describeMemory(name: string, pid: number): string {
  const memory = memoryOf(pid);
  return memory ? `${name} RSS ${memory.rssMB} MB (peak ${memory.peakMB} MB)` : `${name}: not running`;
}

/** CPU seconds a process has used so far (utime + stime of /proc/PID/stat; Linux's USER_HZ is 100). */
export function cpuSecondsOf(pid: number): number | undefined {
  try {
    // The command name, in parentheses, may hold spaces: the fields that follow it are counted from its end.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/**
 * Waits until the processes (the API server and etcd) have been quiet — together under 5 % of a
 * core for a second — or `maxMs` has passed; answers how long it waited. The API server goes on
 * collecting garbage for seconds after `kubectl get pods -A` has had its 50,000 pods, and a
 * command started then pays for it: in the round-robin, whichever command came next.
 */
export async function settle(pids: number[], maxMs = 30_000): Promise<number> {
  const start = Date.now();
  const used = () => pids.reduce((sum, pid) => sum + (cpuSecondsOf(pid) ?? 0), 0);
  let before = used();
  while (Date.now() - start < maxMs) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const now = used();
    if (now - before < 0.05) break;
    before = now;
  }
  return Date.now() - start;
}
