// conformance.webhooks: code we did not write judges our webhook signatures, both ways.
// 1. OpenAI's Node SDK (`client.webhooks.unwrap()`) accepts every delivery sora-mock signs:
//    completions, failures, retries after a non-2xx answer and duplicates, captured by a small
//    node http server exactly as they arrived.
// 2. `sora listen` accepts deliveries signed by the Standard Webhooks reference library
//    (`standardwebhooks` on npm) and refuses tampered bodies, wrong secrets and stale timestamps,
//    and does nothing for a replayed delivery id.
//
// Run: SORA_MOCK=build/sora-mock SORA_CLI=build/sora node --test tests/conformance/webhooks.test.mjs
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Child, readPortFile, requireBinary, requirePackages, sleep } from './lib.mjs';

requirePackages('openai', 'standardwebhooks');
const { default: OpenAI } = await import('openai');
const { Webhook } = await import('standardwebhooks');
const mockBinary = requireBinary('SORA_MOCK');
const cliBinary = requireBinary('SORA_CLI');

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const API_KEY = 'sk-conformance-webhooks';
const dirs = [];
const children = [];

function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), 'sora-conformance-webhooks-'));
  dirs.push(dir);
  return dir;
}

async function start(binary, args, portFile, env = {}) {
  const child = new Child(binary, args, { env: { ...process.env, ...env } });
  children.push(child);
  const port = await child.waitUntil('its port file', () => readPortFile(portFile));
  return { child, port };
}

async function startMock(extraArgs) {
  const portFile = join(tempDir(), 'port');
  const args = ['--port', '0', '--port-file', portFile, '--polls', '50', '--quiet', ...extraArgs];
  const { child, port } = await start(mockBinary, args, portFile);
  return { child, base: `http://127.0.0.1:${port}/v1` };
}

async function createJob(base, prompt) {
  const res = await fetch(`${base}/videos`, {
    method: 'POST',
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ prompt, model: 'sora-2' }),
  });
  assert.equal(res.status, 200);
  return (await res.json()).id;
}

after(async () => {
  for (const child of children) await child.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('OpenAI SDK unwrap() accepts what sora-mock signs', () => {
  const deliveries = [];
  let receiver;
  let refusedOnce = false;

  before(async () => {
    // Captures every delivery as it arrived; answers 500 to the first one so a retry follows.
    receiver = createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        deliveries.push({ headers: { ...req.headers }, body: Buffer.concat(chunks).toString('utf8') });
        res.statusCode = refusedOnce ? 200 : 500;
        refusedOnce = true;
        res.end();
      });
    });
    await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  });
  after(() => new Promise((resolve) => receiver.close(resolve)));

  it('every completion, failure, retry and duplicate verifies and unwraps', async () => {
    const url = `http://127.0.0.1:${receiver.address().port}/hook`;
    const { base } = await startMock([
      '--webhook-url', url, '--webhook-secret', SECRET, '--finish-after-ms', '100',
      '--fault', 'webhook-duplicate',
    ]);
    const done = await createJob(base, 'a lighthouse');
    const failed = await createJob(base, 'a storm mock:fail');
    // 2 events, each sent twice (the fault), plus one retry of the refused first delivery.
    // Up to 20 s: the retry waits out a backoff, and sanitizer builds are slower.
    for (let i = 0; i < 400 && deliveries.length < 5; i++) await sleep(50);
    assert.equal(deliveries.length, 5, 'deliveries received');

    const client = new OpenAI({ apiKey: API_KEY, webhookSecret: SECRET });
    const seen = new Map();
    for (const d of deliveries) {
      const event = await client.webhooks.unwrap(d.body, d.headers);
      assert.match(event.id, /^evt_/);
      assert.equal(typeof event.created_at, 'number');
      seen.set(event.data.id, event.type);
      assert.match(d.headers['webhook-id'], /^wh_/);
    }
    assert.equal(seen.get(done), 'video.completed');
    assert.equal(seen.get(failed), 'video.failed');
    // Retries and duplicates keep their webhook-id, so receivers can deduplicate.
    assert.equal(new Set(deliveries.map((d) => d.headers['webhook-id'])).size, 2);

    // The test of the test: the same SDK refuses a changed body and another secret.
    const d = deliveries[0];
    await assert.rejects(client.webhooks.unwrap(d.body.replace('video', 'videx'), d.headers));
    const other = new OpenAI({ apiKey: API_KEY, webhookSecret: `whsec_${randomBytes(32).toString('base64')}` });
    await assert.rejects(other.webhooks.unwrap(d.body, d.headers));
  });
});

describe('sora listen judges deliveries signed by standardwebhooks', () => {
  let listen;
  let url;
  let mockBase;
  let execLog;
  let dir;

  before(async () => {
    ({ base: mockBase } = await startMock(['--finish-after-ms', '1']));
    dir = tempDir();
    execLog = join(dir, 'exec.log');
    const portFile = join(dir, 'listen.port');
    const started = await start(
      cliBinary,
      ['listen', '--port', '0', '--port-file', portFile, '--state', join(dir, 'state.json'),
        '--download-dir', dir, '--reconcile-every', '3600',
        '--exec', `echo "$SORA_VIDEO_ID $SORA_STATUS" >> '${execLog}'`],
      portFile,
      { SORA_WEBHOOK_SECRET: SECRET, SORA_BASE_URL: mockBase, SORA_API_KEY: API_KEY, HOME: dir },
    );
    listen = started.child;
    url = `http://127.0.0.1:${started.port}/hook`;
  });

  async function post(body, headers) {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    return res.status;
  }

  function signed(secret, id, when, body) {
    const signature = new Webhook(secret).sign(id, when, body);
    return { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(when.getTime() / 1000)), 'webhook-signature': signature };
  }

  async function execLines() {
    for (let i = 0; i < 100; i++) {
      if (existsSync(execLog)) return readFileSync(execLog, 'utf8').trim().split('\n');
      await sleep(50);
    }
    return [];
  }

  it('accepts a signed video.completed, downloads the video, and ignores a replay', async () => {
    const video = await createJob(mockBase, 'a quiet harbour');
    await sleep(100); // --finish-after-ms 1: the job is completed by now
    const body = JSON.stringify({ id: 'evt_1', object: 'event', created_at: 1, type: 'video.completed', data: { id: video } });
    assert.equal(await post(body, signed(SECRET, 'msg_ok_1', new Date(), body)), 200);
    assert.deepEqual(await execLines(), [`${video} completed`]);
    assert.ok(existsSync(join(dir, `${video}.mp4`)), 'the video was downloaded');
    // The same delivery id again (freshly signed): answered, but nothing is done twice.
    assert.equal(await post(body, signed(SECRET, 'msg_ok_1', new Date(), body)), 200);
    await sleep(200);
    assert.deepEqual(await execLines(), [`${video} completed`]);
    assert.match(listen.output, /delivery msg_ok_1 was handled before; nothing done/);
  });

  it('refuses tampered bodies, wrong secrets and stale or future timestamps', async () => {
    const body = JSON.stringify({ type: 'video.completed', data: { id: 'video_never' } });
    const good = signed(SECRET, 'msg_bad_1', new Date(), body);
    assert.equal(await post(body.replace('never', 'nevER'), good), 401, 'tampered body');
    const otherSecret = `whsec_${randomBytes(32).toString('base64')}`;
    assert.equal(await post(body, signed(otherSecret, 'msg_bad_2', new Date(), body)), 401, 'wrong secret');
    const stale = new Date(Date.now() - 6 * 60 * 1000);
    assert.equal(await post(body, signed(SECRET, 'msg_bad_3', stale, body)), 401, 'stale timestamp');
    const future = new Date(Date.now() + 6 * 60 * 1000);
    assert.equal(await post(body, signed(SECRET, 'msg_bad_4', future, body)), 401, 'future timestamp');
    assert.equal(await post(body, { ...good, 'webhook-id': 'msg_other' }), 401, 'another delivery id');
    assert.equal(await post(body, {}), 401, 'unsigned');
    await sleep(200);
    assert.equal((await execLines()).length, 1, 'no action for any refused delivery');
    assert.doesNotMatch(listen.output, /video_never/);
  });
});
