/**
 * Typed errors and the exit codes they map to. Only cli/entry/main.ts turns them into an exit; every
 * other layer throws (or, in config/ and engine/, returns problems as data).
 */
export const EXIT = {
  ok: 0,
  /** verify found a mismatch, lint a finding at or above --fail-on, allowlist an incomplete set. */
  findings: 1,
  usage: 2,
  input: 3,
  cluster: 4,
  internal: 5,
  /** verify: a probe could not run (image pull, rejected, never started); see its verdict. */
  probeError: 6,
  interrupted: 130,
  /** stdout closed before everything was written (`| head`): what a shell reports for SIGPIPE (128 + 13). */
  outputClosed: 141,
} as const;

export abstract class EgressError extends Error {
  abstract readonly exitCode: number;
}

/** Bad flags or arguments: an unknown --to, an invalid selector, a missing positional. */
export class UsageError extends EgressError {
  readonly exitCode = EXIT.usage;
}

/** Input files: unreadable, not YAML/JSON, objects missing required fields, a named object absent. */
export class InputError extends EgressError {
  readonly exitCode = EXIT.input;
}

/** The cluster: kubeconfig, context, connection, TLS, authentication, authorisation. */
export class ClusterError extends EgressError {
  readonly exitCode = EXIT.cluster;
}
