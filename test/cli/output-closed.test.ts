/**
 * A reader that stops reading (`kubectl egress who -A | head`): the plugin ends quietly with the
 * exit code a shell gives a program ended by SIGPIPE (141), never with a stack trace.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PLUGIN } from '../support/plugin.ts';

const EXAMPLE = join(import.meta.dirname, '..', '..', 'examples', 'gke-cluster.yaml');

/** Runs the plugin with its stdout's read end closed before it writes anything. */
function withClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(PLUGIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('output to a reader that went away', () => {
  it.each([
    ['a who table', ['who', '-A', '-f', EXAMPLE]],
    ['who -o json', ['who', '-A', '-f', EXAMPLE, '-o', 'json']],
    ['lint', ['lint', '-A', '-f', EXAMPLE]],
  ])('ends %s with exit 141 and no stack trace', async (_name, args) => {
    const result = await withClosedStdout(args);
    expect(result.code).toBe(141);
    expect(result.stderr).not.toMatch(/EPIPE|\n\s+at /);
  });
});
