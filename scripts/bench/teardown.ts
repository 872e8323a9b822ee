/**
 * What the benchmark started, to be undone at the end and on Ctrl-C/SIGTERM: each step registers
 * how to stop or remove what it made (processes, temporary directories), and they run last-first.
 */
type Step = () => Promise<void> | void;

const steps: Step[] = [];

/** Registers an undo step; the returned function unregisters it once the caller undid it itself. */
export function onTeardown(step: Step): () => void {
  steps.push(step);
  return () => {
    const at = steps.lastIndexOf(step);
    if (at >= 0) steps.splice(at, 1);
  };
}

export async function teardown(): Promise<void> {
  for (let step = steps.pop(); step; step = steps.pop()) {
    try {
      await step();
    } catch (error) {
      console.error(`teardown: ${(error as Error).message}`);
    }
  }
}

/**
 * On SIGINT/SIGTERM: undo everything, then exit as the signal would have. A Ctrl-C may arrive twice
 * (from the terminal and forwarded by scripts/bench.mjs); the second must not cut the teardown short.
 */
export function teardownOnSignals(): void {
  let stopping = false;
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      console.error(`\n${signal}: stopping what the benchmark started...`);
      void teardown().finally(() => process.exit(code));
    });
  }
}
