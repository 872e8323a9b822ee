/**
 * `kubectl egress serve-echo --listen ADDR:PORT`: the echo endpoint verify calls, for a host
 * outside the cluster. Runs until interrupted; one log line per request on stderr, as its other
 * messages (it writes no data of its own: its answers go to the callers).
 */
import type { Argv } from 'yargs';
import { lastValue } from '../argv.ts';
import { UsageError } from '../../errors.ts';
import { startEchoServer } from '../echo-server.ts';
import type { Io } from '../io.ts';

export function serveEchoBuilder(y: Argv) {
  return y
    .option('listen', {
      type: 'string',
      coerce: lastValue,
      default: '0.0.0.0:8080',
      requiresArg: true,
      describe: 'Address and port to listen on (ADDR:PORT, [IPv6]:PORT)',
    })
    .example([
      ['$0 serve-echo --listen 0.0.0.0:8080', "Answer every request with the caller's IP"],
      ['curl http://HOST:8080/?format=text', 'The same, as plain text'],
    ]);
}

export async function serveEchoCommand(args: { listen?: string }, io: Io): Promise<number> {
  const { host, port } = parseListen(args.listen ?? '0.0.0.0:8080');
  const server = await startEchoServer({ host, port, log: (line) => io.stderr(`${line}\n`) }).catch(
    (error: NodeJS.ErrnoException) => {
      throw new UsageError(`--listen ${args.listen}: ${error.code ?? error.message}`);
    },
  );
  io.stderr(`serving the caller's address on http://${host.includes(':') ? `[${host}]` : host}:${port}/\n`);
  await new Promise<void>((resolve) => server.on('close', resolve));
  return 0;
}

function parseListen(text: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(text);
  const port = Number(match?.[3]);
  if (!match || port < 1 || port > 65535) throw new UsageError(`--listen: "${text}" is not ADDR:PORT`);
  return { host: match[1] ?? (match[2] || '0.0.0.0'), port };
}
