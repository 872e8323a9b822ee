/**
 * The process entry point bundled into dist/: wires the real streams, DNS and signals to main().
 */
import { lookup } from 'node:dns/promises';
import { text } from 'node:stream/consumers';
import { EXIT } from '../errors.ts';
import { main } from './main.ts';

// Nothing to clean up in who/explain; a long live read simply stops with the conventional code.
process.on('SIGINT', () => {
  process.stderr.write('\ninterrupted\n');
  process.exit(EXIT.interrupted);
});
process.on('SIGTERM', () => process.exit(128 + 15));

const code = await main(process.argv.slice(2), {
  stdout: (s) => void process.stdout.write(s),
  stderr: (s) => void process.stderr.write(s),
  lookup: async (hostname) => (await lookup(hostname, { all: true })).map((a) => a.address),
  readStdin: () => text(process.stdin),
});
// Exit now rather than when the event loop drains: a request abandoned by --request-timeout can keep
// a socket open for the connect timeout. Wait for stdout/stderr to flush first.
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
