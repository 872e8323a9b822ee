/**
 * `kubectl egress completion bash|zsh`: a completion script for `kubectl-egress` on its own. For
 * `kubectl egress …` kubectl itself completes, through kubectl_complete-egress (its --help says how).
 */
import type { Argv } from 'yargs';
import { BASH_SCRIPT, ZSH_SCRIPT } from '../completion/scripts.ts';
import { UsageError } from '../../errors.ts';
import type { Io } from '../io.ts';
import { oneOf } from '../options.ts';
import { releaseTag } from '../version.ts';

export const COMPLETION_SHELLS = ['bash', 'zsh'] as const;

const SCRIPTS: Record<(typeof COMPLETION_SHELLS)[number], string> = { bash: BASH_SCRIPT, zsh: ZSH_SCRIPT };

/**
 * kubectl (≥ 1.26) completes a plugin's arguments by running kubectl_complete-<plugin> from PATH
 * (kubernetes/kubernetes#105867); Krew links only the plugin's executable into its bin/
 * (kubernetes-sigs/krew#812), so the directory holding the shim has to be put on PATH by hand.
 */
const KUBECTL_COMPLETION_HELP = `Completing \`kubectl egress …\` (kubectl 1.26 or later, with kubectl's own completion enabled):
kubectl runs an executable named kubectl_complete-egress from PATH. It ships next to kubectl-egress;
put the directory that holds it on PATH, e.g. in ~/.bashrc or ~/.zshrc:
  export PATH="$PATH:\${KREW_ROOT:-$HOME/.krew}/store/egress/${releaseTag()}"   # installed with Krew
  export PATH="$PATH:/path/to/kubectl-egress/plugin"                  # run from a checkout`;

export function completionBuilder(y: Argv) {
  return y
    .positional('shell', { type: 'string', describe: `The shell: ${COMPLETION_SHELLS.join('|')}` })
    .example([
      [
        'source <(kubectl-egress completion bash)',
        'Complete kubectl-egress in this bash session (add it to ~/.bashrc to keep it)',
      ],
      // biome-ignore lint/suspicious/noTemplateCurlyInString: zsh expands ${fpath[1]} when the user runs the example
      ['kubectl-egress completion zsh > "${fpath[1]}/_kubectl-egress"', 'Complete kubectl-egress in new zsh sessions'],
    ])
    .epilogue(KUBECTL_COMPLETION_HELP);
}

export async function completionCommand(args: { shell?: string }, io: Io): Promise<number> {
  // Optional in yargs' command string, so that `completion -- bash` works; required here.
  if (!args.shell) throw new UsageError(`completion needs a shell: ${COMPLETION_SHELLS.join(' or ')}`);
  io.stdout(SCRIPTS[oneOf(COMPLETION_SHELLS, args.shell ?? '', 'completion')]);
  return 0;
}
