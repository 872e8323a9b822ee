/** Where a command writes; tests pass their own. */
export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Resolves a hostname for --to (node:dns in production). */
  lookup: (hostname: string) => Promise<string[]>;
  /** Reads standard input for `-f -`. */
  readStdin: () => Promise<string>;
  /** Aborted on Ctrl-C/SIGTERM while a command holds the process for cleanup. */
  signal: AbortSignal;
  /** Keeps Ctrl-C from exiting at once until the returned release is called (probe pods exist). */
  hold: () => () => void;
  /** Whether stderr is a terminal (progress is shown only then). */
  stderrIsTTY: boolean;
}
