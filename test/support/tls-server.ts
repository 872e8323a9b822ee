/** A TLS server on loopback with a fresh self-signed certificate for 127.0.0.1 (made with openssl). */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:tls';

export interface TlsTestServer {
  server: Server;
  port: number;
  /** The certificate, PEM: the CA to trust. */
  cert: string;
  certFile: string;
}

/** A fresh self-signed certificate for 127.0.0.1 and its key, PEM, in a folder `remove` deletes. */
export function selfSignedCertificate(): { key: string; cert: string; certFile: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'egress-tls-'));
  const [keyFile, certFile] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  return {
    key: readFileSync(keyFile, 'utf8'),
    cert: readFileSync(certFile, 'utf8'),
    certFile,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** `onConnection` runs once the handshake is done: answer, or do nothing to play a server that never answers. */
export async function selfSignedServer(onConnection: (socket: Socket) => void): Promise<TlsTestServer> {
  const { key, cert, certFile, remove } = selfSignedCertificate();
  const server = createServer({ key, cert }, onConnection);
  server.on('close', remove);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port, cert, certFile };
}
