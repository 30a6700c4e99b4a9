// conformance.prism: every request shape the sora CLI can send is checked against OpenAI's own
// spec. Prism (Stoplight's OpenAPI mock) serves openapi-videos.yaml and validates each request
// (path, query, JSON and multipart bodies, Bearer auth) against it, answering 422 (or 401)
// when it does not conform. The real `sora` binary talks to it through a small recording proxy
// so that we can also check what Prism does not: the bytes and type of uploaded image parts,
// the fields the CLI derives (size from the image), the query string and the Bearer key.
//
// Run: SORA_CLI=build/sora node --test tests/conformance/prism.test.mjs
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Child, canConnect, dataDir, freePort, here, requireBinary, requirePackages } from './lib.mjs';

requirePackages('@stoplight/prism-cli');
const soraBinary = requireBinary('SORA_CLI');
const prismMain = join(here, 'node_modules', '@stoplight', 'prism-cli', 'dist', 'index.js');

const API_KEY = 'sk-test';
const PROMPT = 'A calm lake at dawn';
const stripAnsi = (s) => s.replace(/\x1b\[[0-9;]*m/g, '');

// Starts Prism on a free loopback port and waits (bounded) until it says it listens.
async function startPrism() {
  const port = await freePort();
  const child = new Child(process.execPath, [prismMain, 'mock', '-h', '127.0.0.1', '-p', String(port), join(here, 'openapi-videos.yaml')], {
    env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
  });
  try {
    await child.waitUntil('"Prism is listening"', () => child.output.includes('Prism is listening'), 60_000);
    await child.waitUntil('a listening socket', () => canConnect(port));
  } catch (err) {
    await child.stop();
    throw err;
  }
  return { child, port };
}

// A pass-through HTTP proxy in front of Prism that records each request (method, URL, headers,
// body bytes) and Prism's answer.
function startRecorder(targetPort) {
  const exchanges = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const exchange = { method: req.method, url: req.url, headers: req.headers, body };
      exchanges.push(exchange);
      // OpenAI's SDKs (and our CLI) download content with `Accept: application/binary`, which
      // the spec does not list (only video/mp4, image/webp, application/json), so Prism would
      // answer 406. The test checks the CLI sent exactly that header, then lets Prism pick.
      const headers = { ...req.headers };
      if (/\/content(\?|$)/.test(req.url) && headers.accept === 'application/binary') headers.accept = '*/*';
      const upstream = httpRequest(
        { host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers },
        (answer) => {
          const parts = [];
          answer.on('data', (c) => parts.push(c));
          answer.on('end', () => {
            exchange.status = answer.statusCode;
            exchange.response = Buffer.concat(parts).toString('utf8');
            res.writeHead(answer.statusCode, answer.headers);
            res.end(Buffer.concat(parts));
          });
        },
      );
      upstream.on('error', (err) => {
        exchange.status = 502;
        exchange.response = `proxy error: ${err.message}`;
        res.writeHead(502).end();
      });
      upstream.end(body);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ server, port: server.address().port, exchanges }));
  });
}

const quote = (a) => (/[\s"'$]/.test(a) ? `'${a}'` : a);

// Runs the real CLI with a clean environment (only our key; no ambient base URL).
function runSora(baseUrl, args) {
  const env = { ...process.env, SORA_API_KEY: API_KEY };
  for (const name of ['OPENAI_API_KEY', 'SORA_BASE_URL', 'OPENAI_BASE_URL']) delete env[name];
  const argv = ['--base-url', baseUrl, '--max-retries', '0', ...args];
  return new Promise((resolve) => {
    execFile(soraBinary, argv, { env, timeout: 30_000, encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ code: err ? (err.code ?? err.signal) : 0, stdout, stderr, command: `sora ${argv.map(quote).join(' ')}` });
    });
  });
}

// Parses a recorded multipart/form-data (or JSON) body into {name: string | {type, name, bytes}}.
async function parseBody(exchange) {
  const type = exchange.headers['content-type'] ?? '';
  if (type.startsWith('application/json')) return { encoding: 'json', fields: JSON.parse(exchange.body.toString('utf8')) };
  if (!type.startsWith('multipart/form-data')) return { encoding: type, fields: {} };
  // The WHATWG Response parser is Node's own multipart parser: independent of the CLI's encoder.
  const form = await new Response(exchange.body, { headers: { 'content-type': type } }).formData();
  const fields = {};
  for (const [name, value] of form.entries()) {
    assert.ok(!(name in fields), `multipart field ${name} sent twice`);
    fields[name] =
      typeof value === 'string' ? value : { type: value.type, filename: value.name, bytes: Buffer.from(await value.arrayBuffer()) };
  }
  return { encoding: 'multipart', fields };
}

// Each request shape the CLI can send: the arguments, the request it must make, and checks on
// the recorded request beyond Prism's own validation.
const outDir = mkdtempSync(join(tmpdir(), 'sora-prism-'));
const IMAGE_JPEG = join(dataDir, 'photo-720x1280.jpg');
const IMAGE_PNG = join(dataDir, 'photo-1280x720.png');
const cases = [
  {
    name: 'create, text only',
    args: ['create', '--prompt', PROMPT],
    method: 'POST',
    path: '/videos',
    printsId: true,
    body: { prompt: PROMPT },
  },
  {
    name: 'create with a JPEG image (the image sets the size)',
    args: ['create', '--prompt', PROMPT, '--image', IMAGE_JPEG],
    method: 'POST',
    path: '/videos',
    printsId: true,
    body: { prompt: PROMPT, size: '720x1280' },
    image: { path: IMAGE_JPEG, type: 'image/jpeg' },
  },
  {
    name: 'create with every field and a PNG image',
    args: ['create', '--prompt', PROMPT, '--image', IMAGE_PNG, '--model', 'sora-2-pro', '--seconds', '8', '--size', '1280x720'],
    method: 'POST',
    path: '/videos',
    printsId: true,
    body: { prompt: PROMPT, model: 'sora-2-pro', seconds: '8', size: '1280x720' },
    image: { path: IMAGE_PNG, type: 'image/png' },
  },
  {
    name: 'create with model, seconds and size, no image',
    args: ['create', '--prompt', PROMPT, '--model', 'sora-2', '--seconds', '12', '--size', '720x1280'],
    method: 'POST',
    path: '/videos',
    printsId: true,
    body: { prompt: PROMPT, model: 'sora-2', seconds: '12', size: '720x1280' },
  },
  { name: 'status', args: ['status', 'video_123'], method: 'GET', path: '/videos/video_123' },
  {
    name: 'remix',
    args: ['remix', 'video_123', '--prompt', `${PROMPT}, now at dusk`],
    method: 'POST',
    path: '/videos/video_123/remix',
    body: { prompt: `${PROMPT}, now at dusk` },
  },
  { name: 'list', args: ['list'], method: 'GET', path: '/videos' },
  {
    name: 'list with limit, order and after',
    args: ['list', '--limit', '5', '--order', 'asc', '--after', 'video_123'],
    method: 'GET',
    path: '/videos',
    query: { limit: '5', order: 'asc', after: 'video_123' },
  },
  { name: 'delete', args: ['delete', 'video_123'], method: 'DELETE', path: '/videos/video_123' },
  // Prism answers the 6 bytes `string` (as video/mp4) for every variant. The CLI checks the
  // magic bytes of what it downloads (MP4 ftyp, RIFF/WEBP, JPEG) and rejects them with exit 9,
  // saving nothing: what is checked here is the request (path, variant, Accept, auth), which
  // Prism accepts with a 200.
  ...[
    ['video', [], 'mp4'],
    ['thumbnail', ['--variant', 'thumbnail'], 'webp'],
    ['spritesheet', ['--variant', 'spritesheet'], 'jpg'],
  ].map(([variant, flags, ext]) => ({
    name: `download ${variant}`,
    args: ['download', 'video_123', ...flags, '--output', join(outDir, `video_123.${ext}`)],
    method: 'GET',
    path: '/videos/video_123/content',
    // The default variant may be sent or left out ("Defaults to the MP4 video").
    query: variant === 'video' ? (q) => [undefined, 'video'].includes(q.variant) && Object.keys(q).length <= 1 : { variant },
    accept: 'application/binary',
    exit: 9,
    savesNothing: join(outDir, `video_123.${ext}`),
  })),
];

// Fails (and still stops its servers in after()) before CTest's 120 s TIMEOUT kills it.
describe('sora CLI requests against OpenAI\'s spec (Prism, rule 28: a contract checker, not a workflow mock)', { timeout: 90_000 }, () => {
  let prism;
  let recorder;

  before(async () => {
    prism = await startPrism();
    recorder = await startRecorder(prism.port);
  });

  after(async () => {
    recorder?.server.close();
    await prism?.child.stop();
    rmSync(outDir, { recursive: true, force: true });
  });

  for (const c of cases) {
    it(c.name, async () => {
      const logStart = prism.child.output.length;
      const first = recorder.exchanges.length;
      const run = await runSora(`http://127.0.0.1:${recorder.port}`, c.args);
      const exchanges = recorder.exchanges.slice(first);
      const prismLog = stripAnsi(prism.child.output.slice(logStart));
      // Prism logs each violation as "[VALIDATOR] ✖ error <message>".
      const violations = prismLog.split('\n').filter((l) => /\[VALIDATOR\].*error/.test(l));
      const report = [
        `command: ${run.command}`,
        `exit: ${run.code}`,
        `stdout: ${run.stdout.trim()}`,
        `stderr: ${run.stderr.trim()}`,
        ...exchanges.map((e) => `request: ${e.method} ${e.url} → ${e.status} ${e.response}`),
        `prism violations:\n${violations.join('\n') || '  (none)'}`,
      ].join('\n');

      assert.equal(violations.length, 0, `Prism found the request invalid:\n${report}`);
      assert.ok(exchanges.every((e) => e.status === 200), `Prism did not answer 200:\n${report}`);
      assert.equal(run.code, c.exit ?? 0, `sora failed:\n${report}`);

      // Exactly the one expected request (no retries: --max-retries 0).
      assert.equal(exchanges.length, 1, `expected one request:\n${report}`);
      const [e] = exchanges;
      const url = new URL(e.url, 'http://x');
      assert.equal(e.method, c.method, report);
      assert.equal(url.pathname, c.path, report);
      assert.equal(e.headers.authorization, `Bearer ${API_KEY}`);
      const query = Object.fromEntries(url.searchParams);
      if (typeof c.query === 'function') assert.ok(c.query(query), `query ${url.search}:\n${report}`);
      else if (c.query) assert.deepEqual(query, c.query, report);
      if (c.accept) assert.equal(e.headers.accept, c.accept, report);
      if (c.savesNothing) assert.ok(!existsSync(c.savesNothing), `${c.savesNothing} was saved:\n${report}`);
      if (c.printsId) assert.equal(run.stdout.trim(), 'string', `create prints the id Prism returned ("string"):\n${report}`);

      if (c.body) {
        const { encoding, fields } = await parseBody(e);
        assert.ok(['json', 'multipart'].includes(encoding), `body encoding ${encoding}:\n${report}`);
        for (const [name, value] of Object.entries(c.body)) {
          assert.equal(fields[name], value, `field ${name} (${encoding}):\n${report}`);
        }
        if (c.image) {
          assert.equal(encoding, 'multipart', 'an image is uploaded as a multipart file part');
          const part = fields.input_reference;
          assert.equal(typeof part, 'object', `input_reference is a file part:\n${report}`);
          assert.equal(part.type, c.image.type);
          assert.ok(part.filename, 'the file part has a filename');
          assert.ok(part.bytes.equals(readFileSync(c.image.path)), 'uploaded bytes equal the image file');
        } else {
          assert.equal(fields.input_reference, undefined, 'no input_reference without --image');
        }
      }
    });
  }
});
