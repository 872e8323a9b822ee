/**
 * The echo endpoint `serve-echo` runs outside the cluster: every request is answered with the
 * caller's address, as JSON (`{"client-ip": …, "ip": …}`, the keys cilium-cli's json-mock and
 * most echo services use) or, with `?format=text` or `Accept: text/plain`, as one plain line.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface EchoServerOptions {
  host: string;
  port: number;
  log: (line: string) => void;
}

export function startEchoServer(options: EchoServerOptions): Promise<Server> {
  const server = createServer((req, res) => answer(req, res, options.log));
  // Malformed requests get a 400 and the server keeps serving.
  server.on('clientError', (error, socket) => {
    options.log(`${new Date().toISOString()} - bad request: ${(error as Error).message}`);
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve(server));
  });
}

function answer(req: IncomingMessage, res: ServerResponse, log: (line: string) => void): void {
  const client = clientAddress(req.socket.remoteAddress ?? '');
  const url = new URL(req.url ?? '/', 'http://echo');
  let status = 200;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    status = 405;
    res.writeHead(status, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }).end('method not allowed\n');
  } else if (url.searchParams.get('format') === 'text' || /^text\/plain/.test(req.headers.accept ?? '')) {
    res.writeHead(status, { 'Content-Type': 'text/plain' }).end(`${client}\n`);
  } else {
    res
      .writeHead(status, { 'Content-Type': 'application/json' })
      .end(`${JSON.stringify({ 'client-ip': client, ip: client })}\n`);
  }
  log(`${new Date().toISOString()} ${client} ${req.method} ${url.pathname} ${status}`);
}

/** IPv4 clients of a dual-stack socket arrive as ::ffff:a.b.c.d. */
function clientAddress(address: string): string {
  return address.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1');
}
