/** Runs `kubectl-egress __complete WORDS…` and splits Cobra's protocol: names, then the directive. */
import { runPlugin } from './plugin.ts';

export interface CompletionResult {
  /** The candidates' names, without their descriptions. */
  candidates: string[];
  directive: number;
  stderr: string;
  code: number | null;
}

export async function completion(
  words: string[],
  options: { env?: NodeJS.ProcessEnv; command?: string; prefix?: string[] } = {},
): Promise<CompletionResult> {
  const { command, env, prefix = ['__complete'] } = options;
  const result = await runPlugin([...prefix, ...words], { ...(command ? { command } : {}), ...(env ? { env } : {}) });
  return { ...parseCompletion(result.stdout), stderr: result.stderr, code: result.code };
}

export function parseCompletion(stdout: string): { candidates: string[]; directive: number } {
  const lines = stdout.split('\n').filter(Boolean);
  const last = lines.at(-1) ?? '';
  if (!/^:\d+$/.test(last)) throw new Error(`no :<directive> line at the end of ${JSON.stringify(stdout)}`);
  return { candidates: lines.slice(0, -1).map((l) => l.split('\t')[0]!), directive: Number(last.slice(1)) };
}
