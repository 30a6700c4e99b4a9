// Helpers shared by the conformance tests: locating inputs, checking the npm install, and
// running child servers (sora-mock, Prism) that are always stopped, also when a test fails.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = join(here, '..', '..');
export const dataDir = join(repoRoot, 'tests', 'data');
export const INSTALL_COMMAND = 'npm ci --prefix tests/conformance';

// The tests must not skip silently when the npm packages are missing: fail, saying what to run.
export function requirePackages(...names) {
  const missing = names.filter((n) => !existsSync(join(here, 'node_modules', n, 'package.json')));
  if (missing.length > 0) {
    throw new Error(
      `missing npm packages (${missing.join(', ')}) in ${join(here, 'node_modules')}: ` +
        `run \`${INSTALL_COMMAND}\` from the repository root first`,
    );
  }
}

// A binary path handed in by CTest (ENVIRONMENT property) or by hand.
export function requireBinary(envName) {
  const path = process.env[envName];
  if (!path) throw new Error(`set ${envName} to the path of the binary under test`);
  if (!existsSync(path)) throw new Error(`${envName}=${path} does not exist (build it first)`);
  return path;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Asks the OS for a free loopback port (for servers, like Prism, that have no --port 0).
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// A child process whose output is kept (for diagnostics) and which can be stopped for sure.
export class Child {
  constructor(command, args, options = {}) {
    this.command = [command, ...args].join(' ');
    this.output = '';
    this.exited = null; // {code, signal} once the process has ended
    this.proc = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    const keep = (chunk) => {
      this.output += chunk.toString();
    };
    this.proc.stdout.on('data', keep);
    this.proc.stderr.on('data', keep);
    this.exitPromise = new Promise((resolve) => {
      this.proc.on('exit', (code, signal) => {
        this.exited = { code, signal };
        resolve(this.exited);
      });
      this.proc.on('error', (err) => {
        this.output += `\nspawn error: ${err.message}`;
        this.exited = { code: null, signal: null, error: err };
        resolve(this.exited);
      });
    });
  }

  // Polls `ready()` every 50 ms until it returns a truthy value; fails after `timeoutMs` or as
  // soon as the process exits, showing what it printed.
  async waitUntil(what, ready, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await ready();
      if (value) return value;
      if (this.exited) {
        throw new Error(`${this.command} exited (${JSON.stringify(this.exited)}) before ${what}:\n${this.output}`);
      }
      if (Date.now() > deadline) {
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} from ${this.command}:\n${this.output}`);
      }
      await sleep(50);
    }
  }

  // SIGTERM, then SIGKILL if it has not gone after `graceMs`. Safe to call twice. (sora-mock
  // takes ~3 s to exit while a client still holds an idle keep-alive connection, as the SDK's
  // fetch does: hence the generous default.)
  async stop(graceMs = 10_000) {
    if (this.exited) return this.exited;
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
    const result = await this.exitPromise;
    clearTimeout(timer);
    return result;
  }
}

// Reads a port number written by a server (sora-mock --port-file), or null while it is absent
// or incomplete.
export function readPortFile(path) {
  if (!existsSync(path)) return null;
  const text = readFileSync(path, 'utf8').trim();
  return /^\d+$/.test(text) && Number(text) > 0 ? Number(text) : null;
}

// True when something accepts TCP connections on 127.0.0.1:port (the server is really up).
export function canConnect(port) {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(1000);
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.on('connect', () => done(true));
    socket.on('error', () => done(false));
    socket.on('timeout', () => done(false));
  });
}

// Validates JSON bodies against a schema of the spec subset (openapi-videos.yaml), e.g.
// `check('VideoResource', body)`. OpenAPI 3.1 schemas are JSON Schema 2020-12, so Ajv's 2020
// dialect reads them as they are; formats (unixtime, uri, binary) are not checked and the
// spec's own keywords (example, x-stainless-*) are ignored (strict: false).
export async function specValidator() {
  const { default: YAML } = await import('yaml');
  const { default: Ajv2020 } = await import('ajv/dist/2020.js');
  const spec = YAML.parse(readFileSync(join(here, 'openapi-videos.yaml'), 'utf8'));
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
  ajv.addSchema({ $id: 'spec', components: spec.components });
  return (schemaName, value) => {
    const validate = ajv.getSchema(`spec#/components/schemas/${schemaName}`);
    if (!validate) throw new Error(`no schema ${schemaName} in openapi-videos.yaml`);
    if (!validate(value)) {
      const errors = validate.errors.map((e) => `  ${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
      throw new Error(`response is not a valid ${schemaName}:\n${errors.join('\n')}\nbody: ${JSON.stringify(value)}`);
    }
  };
}

// Starts `sora-mock --port 0 ARGS…` (e.g. `--dialect openrouter`) and waits (≤10 s) for the
// port it writes, then for it to accept connections. Returns {child, dir, port, origin}; stop it
// with stopMock.
export async function startMock(binary, extraArgs) {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'sora-conformance-'));
  const portFile = join(dir, 'port');
  const args = ['--port', '0', '--port-file', portFile, '--polls', '2', '--poll-after-ms', '10', '--quiet', ...extraArgs];
  const child = new Child(binary, args);
  try {
    const port = await child.waitUntil('its port file', () => readPortFile(portFile));
    await child.waitUntil('a listening socket', () => canConnect(port));
    return { child, dir, port, origin: `http://127.0.0.1:${port}` };
  } catch (err) {
    await child.stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

export async function stopMock(mock) {
  if (!mock) return;
  const { rmSync } = await import('node:fs');
  const exit = await mock.child.stop();
  rmSync(mock.dir, { recursive: true, force: true });
  if (exit.signal !== 'SIGTERM' && exit.code !== 0) {
    console.error(`sora-mock ended with ${JSON.stringify(exit)}; its output:\n${mock.child.output}`);
  }
}

// The requests the mock has recorded (GET /_mock/requests, docs/mock-server.md), then forgets
// them.
// (A new connection each time: the mock closes idle keep-alive connections after 5 s, and a
// pooled fetch would then fail on a socket the other side has closed.)
export async function takeRequests(mock) {
  const { request } = await import('node:http');
  const call = (method) =>
    new Promise((resolve, reject) => {
      const req = request(`${mock.origin}/_mock/requests`, { method, agent: false }, (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve(body));
      });
      req.on('error', reject);
      req.end();
    });
  const log = JSON.parse(await call('GET'));
  await call('DELETE');
  return log;
}

// A data: URL of a file, as both sora and the tests build it.
export function dataUrl(path, type) {
  return `data:${type};base64,${readFileSync(path).toString('base64')}`;
}

// Runs the sora CLI to completion (bounded) and returns {code, stdout, stderr}.
export async function runCli(binary, args, env = {}, timeoutMs = 30_000) {
  const child = new Child(binary, args, { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } });
  const timer = setTimeout(() => child.proc.kill('SIGKILL'), timeoutMs);
  const exit = await child.exitPromise;
  clearTimeout(timer);
  return { code: exit.code, output: child.output };
}

// The shape of a JSON value: every member's name and type, nested, without the values (so two
// bodies agree "field by field" when their shapes and values match).
export function shapeOf(value) {
  if (Array.isArray(value)) return value.map(shapeOf);
  if (value === null) return 'null';
  if (typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, shapeOf(value[k])]));
  }
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}
