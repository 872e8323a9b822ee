/**
 * One measured command: wall time (hrtime around the child) and peak RSS from GNU time
 * (`/usr/bin/time -f %M`, the child's ru_maxrss, which covers every program the child exec'd in
 * place — kubectl execs its plugin so). stdout goes to /dev/null; a run that outlives the timeout
 * is killed with its process group and counted as failed. Plus medians and their formatting.
 */
import { spawn } from 'node:child_process';
import { existsSync, openSync, closeSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { onTeardown } from './teardown.ts';

export const GNU_TIME = '/usr/bin/time';
export const RUN_TIMEOUT_MS = 10 * 60_000;

export type Sample = { ok: true; ms: number; rssMB: number } | { ok: false; error: string };

export function checkGnuTime(): void {
  if (!existsSync(GNU_TIME)) {
    throw new Error(
      `${GNU_TIME} (GNU time, Debian package "time") is missing; it measures peak RSS. Install it: bash scripts/install-test-deps.sh (or apt-get install time)`,
    );
  }
}

/** Runs `command args` once under GNU time; `work` holds GNU time's report file; an exit code not in `exitCodes` fails the run. */
export function measure(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  work: string,
  stdoutFile = '/dev/null',
  exitCodes: readonly number[] = [0],
): Promise<Sample> {
  const report = join(work, 'time.out');
  const stdout = openSync(stdoutFile, 'w');
  const start = process.hrtime.bigint();
  // Its own process group, so a timeout (or Ctrl-C) kills kubectl and its plugin, not just GNU time.
  const child = spawn(GNU_TIME, ['-f', '%e %M', '-o', report, command, ...args], {
    env,
    stdio: ['ignore', stdout, 'pipe'],
    detached: true,
  });
  closeSync(stdout);
  const killGroup = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* already gone */
    }
  };
  const forget = onTeardown(killGroup);
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2000)));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup();
  }, RUN_TIMEOUT_MS);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      forget();
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (timedOut) return resolve({ ok: false, error: `timed out after ${RUN_TIMEOUT_MS / 60_000} minutes (killed)` });
      if (code === null || !exitCodes.includes(code))
        return resolve({
          ok: false,
          error: `exit ${code ?? signal}: ${stderr.trim().split('\n').slice(-5).join(' | ') || 'no stderr'}`,
        });
      const kB = Number(readFileSync(report, 'utf8').trim().split('\n').pop()!.split(' ')[1]);
      resolve({ ok: true, ms, rssMB: kB / 1024 });
    });
  });
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
export const megabytes = (mb: number) => `${mb.toFixed(0)} MB`;
export const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
