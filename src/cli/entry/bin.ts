/**
 * The process entry point bundled into dist/: wires the real streams, DNS and signals to main().
 * Ctrl-C and SIGTERM exit at once, unless a command holds the process to clean up (verify's probe
 * pods): then the first signal asks it to stop, and a second one exits anyway.
 */
import { lookup } from 'node:dns/promises';
import { text } from 'node:stream/consumers';
import { EXIT } from '../../errors.ts';
import { main } from './main.ts';

const controller = new AbortController();
let holds = 0;

function onSignal(code: number): void {
  if (holds === 0 || controller.signal.aborted) {
    process.stderr.write('\ninterrupted\n');
    process.exit(code);
  }
  process.stderr.write('\ninterrupted: cleaning up (press Ctrl-C again to exit at once)\n');
  controller.abort();
}
process.on('SIGINT', () => onSignal(EXIT.interrupted));
process.on('SIGTERM', () => onSignal(128 + 15));

// The reader of stdout went away (`who -A | head`): nothing more can be said to it, and no stack
// trace belongs on the user's terminal. Probe pods held for cleanup are cleaned up first.
let outputClosed = false;
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') {
    process.stderr.write(`error: cannot write the output: ${error.message}\n`);
    process.exit(EXIT.internal);
  }
  outputClosed = true;
  if (holds > 0) controller.abort();
  else process.exit(EXIT.outputClosed);
});

// No top-level await: the single executables run this bundled as CommonJS (scripts/package.mjs).
void main(process.argv.slice(2), {
  stdout: (s) => void process.stdout.write(s),
  stderr: (s) => void process.stderr.write(s),
  lookup: async (hostname) => (await lookup(hostname, { all: true })).map((a) => a.address),
  readStdin: () => text(process.stdin),
  signal: controller.signal,
  hold: () => {
    holds++;
    return () => void holds--;
  },
  stderrIsTTY: process.stderr.isTTY === true,
}).then((code) => {
  // Exit now rather than when the event loop drains: a request abandoned by --request-timeout can
  // keep a socket open for the connect timeout. Wait for stdout/stderr to flush first.
  // setImmediate: a write that failed reports it on the next tick, and the handler above exits 141.
  process.stdout.write('', () =>
    process.stderr.write('', () =>
      setImmediate(() =>
        process.exit(outputClosed ? EXIT.outputClosed : controller.signal.aborted ? EXIT.interrupted : code),
      ),
    ),
  );
});
