/** Where a command writes; tests pass their own. */
export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Resolves a hostname for --to (node:dns in production). */
  lookup: (hostname: string) => Promise<string[]>;
  /** Reads standard input for `-f -`. */
  readStdin: () => Promise<string>;
}
