/**
 * serve-echo through the real entry point, on a loopback port: JSON by default, text on request,
 * one log line per request, and a malformed request does not stop it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/lab.ts';
import { PLUGIN, runPlugin } from '../support/plugin.ts';

let server: ChildProcess;
let base: string;
let log = '';
let stdout = '';

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(PLUGIN, ['serve-echo', '--listen', `127.0.0.1:${port}`]);
  server.stderr!.on('data', (c: Buffer) => (log += c.toString()));
  server.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  await new Promise<void>((resolve) => server.stderr!.once('data', () => resolve()));
});

afterAll(() => {
  server.kill('SIGTERM');
});

describe('serve-echo', () => {
  it("answers with the caller's address as JSON", async () => {
    expect(await (await fetch(`${base}/`)).json()).toEqual({ 'client-ip': '127.0.0.1', ip: '127.0.0.1' });
  });

  it('answers in plain text on request', async () => {
    expect(await (await fetch(`${base}/?format=text`)).text()).toBe('127.0.0.1\n');
    expect(await (await fetch(`${base}/`, { headers: { Accept: 'text/plain' } })).text()).toBe('127.0.0.1\n');
  });

  it('refuses other methods and survives a malformed request', async () => {
    expect((await fetch(`${base}/`, { method: 'POST', body: 'x' })).status).toBe(405);
    const reply = await new Promise<string>((resolve) => {
      const socket = connect(Number(new URL(base).port), '127.0.0.1', () => socket.write('NOT HTTP AT ALL\r\n\r\n'));
      let data = '';
      socket.on('data', (c) => (data += c.toString()));
      socket.on('close', () => resolve(data));
    });
    expect(reply).toMatch(/^HTTP\/1.1 400 Bad Request/);
    expect((await fetch(`${base}/`)).status).toBe(200);
  });

  it('logs one line per request on stderr, where the README says, and nothing on stdout', () => {
    expect(log).toMatch(/^\S+ 127\.0\.0\.1 GET \/ 200$/m);
    expect(stdout).toBe('');
  });

  it('says clearly when it cannot listen', async () => {
    const result = await runPlugin(['serve-echo', '--listen', 'nonsense']);
    expect(result).toMatchObject({ code: 2, stderr: 'error: --listen: "nonsense" is not ADDR:PORT\n' });
  });
});
