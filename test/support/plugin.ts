/** Runs the real entry point, plugin/kubectl-egress, as a user (or kubectl) would. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const PLUGIN = join(import.meta.dirname, '..', '..', 'plugin', 'kubectl-egress');

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runPlugin(
  args: string[],
  options: { stdin?: string; env?: NodeJS.ProcessEnv; command?: string } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(options.command ?? PLUGIN, args, { env: options.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    // A command that exits without reading its stdin closes the pipe (EPIPE); its exit code and output tell what happened.
    child.stdin.on('error', () => undefined);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}
