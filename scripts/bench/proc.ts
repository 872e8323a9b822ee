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
