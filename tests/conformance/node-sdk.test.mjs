// conformance.node_sdk: OpenAI's official Node SDK (an independent client we did not write)
// drives sora-mock through a whole video's life. If the SDK can use the mock, the mock speaks
// the OpenAI wire format: paths, multipart upload, JSON shapes, binary downloads, pagination
// and the error envelope mapped to the SDK's typed errors. JSON bodies are also checked against
// the schemas of OpenAI's spec (openapi-videos.yaml).
//
// Run: SORA_MOCK=build/sora-mock node --test tests/conformance/node-sdk.test.mjs
import assert from 'node:assert/strict';
import { createReadStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  Child,
  canConnect,
  dataDir,
  readPortFile,
  requireBinary,
  requirePackages,
  sleep,
  specValidator,
} from './lib.mjs';

requirePackages('openai', 'yaml', 'ajv');
const { default: OpenAI, toFile, AuthenticationError, NotFoundError } = await import('openai');
const mockBinary = requireBinary('SORA_MOCK');
const checkSchema = await specValidator();

const API_KEY = 'sk-conformance-node-sdk';
const PROMPT = 'A calm lake at dawn';

// Starts `sora-mock --port 0` and waits (≤10 s) for the port it writes, then for it to accept
// connections.
async function startMock(extraArgs) {
  const dir = mkdtempSync(join(tmpdir(), 'sora-conformance-'));
  const portFile = join(dir, 'port');
  const args = ['--port', '0', '--port-file', portFile, '--polls', '2', '--poll-after-ms', '10', '--quiet', ...extraArgs];
  const child = new Child(mockBinary, args);
  try {
    const port = await child.waitUntil('its port file', () => readPortFile(portFile));
    await child.waitUntil('a listening socket', () => canConnect(port));
    return { child, dir, baseURL: `http://127.0.0.1:${port}/v1` };
  } catch (err) {
    await child.stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

const ascii = (bytes, from, to) => Buffer.from(bytes.subarray(from, to)).toString('latin1');

// Fails (and still stops its servers in after()) before CTest's 120 s TIMEOUT kills it.
describe('OpenAI Node SDK against sora-mock', { timeout: 90_000 }, () => {
  let mock;
  let client;
  let videoId;
  let remixId;

  before(async () => {
    mock = await startMock(['--api-key', API_KEY]);
    // No retries: a retried request would hide a wrong first answer.
    client = new OpenAI({ apiKey: API_KEY, baseURL: mock.baseURL, maxRetries: 0, timeout: 10_000 });
  });

  after(async () => {
    if (!mock) return;
    const exit = await mock.child.stop();
    rmSync(mock.dir, { recursive: true, force: true });
    // A mock that crashed mid-test shows up here with its output.
    if (exit.signal !== 'SIGTERM' && exit.code !== 0) {
      console.error(`sora-mock ended with ${JSON.stringify(exit)}; its output:\n${mock.child.output}`);
    }
  });

  it('creates a video from a prompt and an image (multipart upload)', async () => {
    const photo = join(dataDir, 'photo-720x1280.jpg');
    const video = await client.videos.create({
      prompt: PROMPT,
      model: 'sora-2',
      seconds: '4',
      size: '720x1280',
      input_reference: await toFile(createReadStream(photo), 'photo-720x1280.jpg', { type: 'image/jpeg' }),
    });
    checkSchema('VideoResource', video);
    assert.match(video.id, /^video_/);
    assert.equal(video.object, 'video');
    assert.ok(['queued', 'in_progress'].includes(video.status), `status ${video.status}`);
    assert.equal(video.model, 'sora-2');
    assert.equal(video.size, '720x1280');
    assert.equal(video.seconds, '4');
    assert.equal(video.prompt, PROMPT);
    assert.equal(video.remixed_from_video_id, null);
    assert.equal(video.error, null);
    videoId = video.id;
  });

  it('retrieves the video until it is completed', async () => {
    assert.ok(videoId, 'create failed');
    let video;
    const seen = [];
    for (let poll = 0; poll < 20; poll++) {
      video = await client.videos.retrieve(videoId);
      checkSchema('VideoResource', video);
      assert.equal(video.id, videoId);
      seen.push(video.status);
      if (video.status === 'completed') break;
      assert.ok(['queued', 'in_progress'].includes(video.status), `unexpected status ${video.status}`);
      await sleep(20);
    }
    assert.equal(video.status, 'completed', `statuses seen: ${seen.join(' → ')}`);
    assert.equal(video.progress, 100);
    assert.equal(typeof video.completed_at, 'number');
    assert.ok(video.completed_at >= video.created_at);
  });

  it('downloads the MP4', async () => {
    assert.ok(videoId, 'create failed');
    const response = await client.videos.downloadContent(videoId);
    assert.match(response.headers.get('content-type') ?? '', /^video\/mp4/);
    const bytes = Buffer.from(await response.arrayBuffer());
    assert.equal(ascii(bytes, 4, 8), 'ftyp', 'an MP4 starts with an ftyp box at offset 4');
    assert.ok(bytes.equals(readFileSync(join(dataDir, 'sample-clip.mp4'))), 'bytes differ from tests/data/sample-clip.mp4');
  });

  it('downloads the thumbnail (WebP) and the spritesheet (JPEG) variants', async () => {
    assert.ok(videoId, 'create failed');
    const thumb = await client.videos.downloadContent(videoId, { variant: 'thumbnail' });
    assert.match(thumb.headers.get('content-type') ?? '', /^image\/webp/);
    const webp = Buffer.from(await thumb.arrayBuffer());
    assert.equal(ascii(webp, 0, 4), 'RIFF');
    assert.equal(ascii(webp, 8, 12), 'WEBP');

    const sprite = await client.videos.downloadContent(videoId, { variant: 'spritesheet' });
    const jpeg = Buffer.from(await sprite.arrayBuffer());
    assert.deepEqual([...jpeg.subarray(0, 3)], [0xff, 0xd8, 0xff], 'a JPEG starts with FF D8 FF');
  });

  it('remixes the completed video', async () => {
    assert.ok(videoId, 'create failed');
    const remix = await client.videos.remix(videoId, { prompt: `${PROMPT}, now at dusk` });
    checkSchema('VideoResource', remix);
    assert.match(remix.id, /^video_/);
    assert.notEqual(remix.id, videoId);
    assert.equal(remix.object, 'video');
    assert.equal(remix.remixed_from_video_id, videoId);
    remixId = remix.id;
  });

  it('lists both videos in an OpenAI list envelope', async () => {
    assert.ok(videoId && remixId, 'create or remix failed');
    const page = await client.videos.list({ limit: 100 });
    checkSchema('VideoListResource', page.body);
    assert.equal(page.body.object, 'list');
    const ids = page.data.map((v) => v.id);
    assert.ok(ids.includes(videoId) && ids.includes(remixId), `ids listed: ${ids}`);
    assert.equal(page.body.first_id, ids[0]);
    assert.equal(page.body.last_id, ids.at(-1));
    assert.equal(page.body.has_more, false);

    // order=asc is the reverse of order=desc.
    const asc = await client.videos.list({ limit: 100, order: 'asc' });
    const desc = await client.videos.list({ limit: 100, order: 'desc' });
    assert.deepEqual(
      asc.data.map((v) => v.id),
      desc.data.map((v) => v.id).reverse(),
    );
  });

  it('pages through the list one video at a time (after=last_id)', async () => {
    assert.ok(videoId && remixId, 'create or remix failed');
    const ids = [];
    // The SDK follows has_more/last_id with ?after=; bounded so a looping cursor fails fast.
    for await (const video of client.videos.list({ limit: 1 })) {
      ids.push(video.id);
      if (ids.length > 20) break;
    }
    assert.equal(new Set(ids).size, ids.length, `duplicate ids while paging: ${ids}`);
    assert.ok(ids.includes(videoId) && ids.includes(remixId), `ids paged: ${ids}`);
  });

  it('deletes the video, which is then not found (404 NotFoundError)', async () => {
    assert.ok(videoId, 'create failed');
    const deleted = await client.videos.delete(videoId);
    checkSchema('DeletedVideoResource', deleted);
    assert.deepEqual({ ...deleted }, { id: videoId, object: 'video.deleted', deleted: true });

    await assert.rejects(client.videos.retrieve(videoId), (err) => {
      assert.ok(err instanceof NotFoundError, `expected NotFoundError, got ${err?.constructor?.name}: ${err}`);
      assert.equal(err.status, 404);
      assert.equal(typeof err.error?.message, 'string', 'OpenAI error envelope {"error":{"message":…}}');
      return true;
    });
  });

  it('rejects a wrong API key (401 AuthenticationError)', async () => {
    const wrong = new OpenAI({ apiKey: 'sk-wrong', baseURL: mock.baseURL, maxRetries: 0, timeout: 10_000 });
    for (const call of [() => wrong.videos.list(), () => wrong.videos.retrieve(remixId ?? 'video_123')]) {
      await assert.rejects(call(), (err) => {
        assert.ok(err instanceof AuthenticationError, `expected AuthenticationError, got ${err?.constructor?.name}: ${err}`);
        assert.equal(err.status, 401);
        assert.equal(typeof err.error?.message, 'string', 'OpenAI error envelope {"error":{"message":…}}');
        return true;
      });
    }
  });
});
