/**
 * A small HTTPS client for the scale fixture's generator: one keep-alive agent with many sockets, so
 * tens of thousands of creates go to the kube-apiserver concurrently instead of one `kubectl create`
 * at a time (test-lab.md §4.3), and a pool that runs them with a fixed number in flight.
 */
import { Agent, request } from 'node:https';

export type KubeObject = {
  metadata: { name: string; namespace?: string; uid?: string; [key: string]: unknown };
  [key: string]: unknown;
};

export interface Api {
  get(path: string): Promise<KubeObject>;
  post(path: string, body: object): Promise<KubeObject>;
  raw(method: string, path: string, body?: object, accept?: string): Promise<{ status: number; body: string }>;
  close(): void;
}

export interface Create {
  path: string;
  body: KubeObject;
}

const SOCKETS = 32;
const TRIES = 6;

export function apiClient(server: string, ca: string, token: string): Api {
  const agent = new Agent({ keepAlive: true, maxSockets: SOCKETS, ca });
  const raw = (method: string, path: string, body?: object, accept = 'application/json') =>
    send(agent, { Authorization: `Bearer ${token}`, Accept: accept }, method, `${server}${path}`, body);
  const get = async (path: string) => expectOk(await withRetries(() => raw('GET', path)), 'GET', path);
  const post = async (path: string, body: object) => {
    let attempts = 0;
    const response = await withRetries(() => (attempts++, raw('POST', path, body)));
    // A retried create whose first attempt got through: the object is there, take it. On a first
    // attempt, 409 means two objects got the same name, which must fail the fixture.
    if (response.status === 409 && attempts > 1) return get(`${path}/${(body as KubeObject).metadata.name}`);
    return expectOk(response, 'POST', path);
  };
  return { get, post, raw, close: () => agent.destroy() };
}

function send(
  agent: Agent,
  base: Record<string, string>,
  method: string,
  url: string,
  body?: object,
): Promise<{ status: number; body: string }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers = { ...base, ...(payload === undefined ? {} : { 'Content-Type': 'application/json' }) };
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** Overload answers (429, 5xx) and dropped connections are retried with a growing pause. */
async function withRetries(
  attempt: () => Promise<{ status: number; body: string }>,
): Promise<{ status: number; body: string }> {
  for (let tries = 1; ; tries++) {
    try {
      const response = await attempt();
      if ((response.status !== 429 && response.status < 500) || tries === TRIES) return response;
    } catch (error) {
      if (tries === TRIES) throw error;
    }
    await new Promise((r) => setTimeout(r, 200 * 2 ** tries));
  }
}

function expectOk(response: { status: number; body: string }, method: string, path: string): KubeObject {
  if (response.status < 200 || response.status > 299)
    throw new Error(`${method} ${path}: HTTP ${response.status} ${response.body.slice(0, 500)}`);
  return JSON.parse(response.body) as KubeObject;
}

/** Creates every object with `parallel` requests in flight; hands each created object to `done`. */
export async function createAll(
  api: Api,
  creates: Iterable<Create>,
  parallel: number,
  done: (created: KubeObject) => void = () => {},
): Promise<void> {
  const iterator = creates[Symbol.iterator]();
  const worker = async () => {
    for (let next = iterator.next(); !next.done; next = iterator.next())
      done(await api.post(next.value.path, next.value.body));
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}
