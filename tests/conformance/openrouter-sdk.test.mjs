// conformance.openrouter_sdk: OpenRouter's official TypeScript SDK (`@openrouter/sdk`, its
// response models are zod schemas that reject a body of the wrong shape) drives
// `sora-mock --dialect openrouter` through generate -> poll -> content and listVideosModels.
// Then the same parameters are sent once by the SDK and once by `sora --profile openrouter`, and
// the two request bodies the mock recorded must be the same JSON (names, types, nesting, values).
// A test of the test starts the mock with the hidden `shape-mismatch` fault (one field of the
// wrong type) and asserts that the SDK rejects it.
//
// Run: SORA_MOCK=build/sora-mock SORA_CLI=build/sora node --test tests/conformance/openrouter-sdk.test.mjs
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  dataDir,
  dataUrl,
  here,
  requireBinary,
  requirePackages,
  runCli,
  shapeOf,
  sleep,
  startMock,
  stopMock,
  takeRequests,
} from './lib.mjs';

requirePackages('@openrouter/sdk');
const { OpenRouter, ServerList } = await import('@openrouter/sdk');
const { ResponseValidationError, NotFoundResponseError } = await import('@openrouter/sdk/models/errors');
const mockBinary = requireBinary('SORA_MOCK');
const cliBinary = requireBinary('SORA_CLI');

const API_KEY = 'sk-or-conformance';
const FIRST = join(dataDir, 'photo-1280x720.png');
const LAST = join(dataDir, 'photo-1280x720.webp');
const REFERENCE = join(dataDir, 'photo-1024x768.jpg');

function sdkFor(mock) {
  return new OpenRouter({
    apiKey: API_KEY,
    serverURL: `${mock.origin}/api/v1`,
    retryConfig: { strategy: 'none' }, // a retried request would hide a wrong first answer
    timeoutMs: 10_000,
  });
}

async function pollUntilDone(sdk, jobId) {
  for (let i = 0; i < 50; i++) {
    const job = await sdk.videoGeneration.getGeneration({ jobId });
    if (!['pending', 'in_progress'].includes(job.status)) return job;
    await sleep(20);
  }
  throw new Error(`job ${jobId} never finished`);
}

// The wire members of the SDK's create request (VideoGenerationRequest$Outbound).
const OUTBOUND = (() => {
  const dts = readFileSync(join(here, 'node_modules', '@openrouter', 'sdk', 'esm', 'models', 'videogenerationrequest.d.ts'), 'utf8');
  const body = dts.match(/export type VideoGenerationRequest\$Outbound = \{([^]*?)\n\};/)[1];
  return [...body.matchAll(/^\s{4}"?([\w-]+)"?\??:/gm)].map((m) => m[1]);
})();

const CLI_ARGS = (mock) => [
  '--profile', 'openrouter', '--base-url', `${mock.origin}/api/v1`, 'create', '-m', 'google/veo-3.1',
  '-p', 'A lighthouse in a storm', '-s', '8', '--size', '1280x720', '--resolution', '1080p', '--aspect-ratio', '16:9',
  '--generate-audio', '--image', FIRST, '--last-frame', LAST, '--reference', REFERENCE,
];
const cliEnv = (home) => ({
  SORA_API_KEY: API_KEY, XDG_CONFIG_HOME: home, XDG_STATE_HOME: home, XDG_CACHE_HOME: home, XDG_DATA_HOME: home,
});

describe('OpenRouter SDK against sora-mock --dialect openrouter', { timeout: 90_000 }, () => {
  let mock;
  let sdkBody;
  let sdk;
  let home;

  before(async () => {
    mock = await startMock(mockBinary, ['--dialect', 'openrouter', '--api-key', API_KEY]);
    sdk = sdkFor(mock);
    home = mkdtempSync(join(tmpdir(), 'sora-conformance-home-'));
  });

  after(async () => {
    await stopMock(mock);
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('generates, polls and downloads a video; every answer parses', async () => {
    const created = await sdk.videoGeneration.generate({
      videoGenerationRequest: { model: 'google/veo-3.1', prompt: 'A red kite over dunes', duration: 8 },
    });
    assert.equal(created.status, 'pending');
    assert.equal(created.pollingUrl, `/api/v1/videos/${created.id}`);
    const done = await pollUntilDone(sdk, created.id);
    assert.equal(done.status, 'completed');
    assert.equal(done.unsignedUrls.length, 1);
    assert.equal(typeof done.usage.cost, 'number');
    assert.equal(done.usage.cost, 3.2); // 8 s at the mock's $0.40/s for veo
    const stream = await sdk.videoGeneration.getVideoContent({ jobId: created.id, index: 0 });
    const bytes = Buffer.from(await new Response(stream).arrayBuffer());
    assert.deepEqual(bytes, readFileSync(join(dataDir, 'sample-clip.mp4')));
  });

  it('reports a failed job with error as a string', async () => {
    const created = await sdk.videoGeneration.generate({
      videoGenerationRequest: { model: 'google/veo-3.1', prompt: 'mock:fail please' },
    });
    const done = await pollUntilDone(sdk, created.id);
    assert.equal(done.status, 'failed');
    assert.equal(typeof done.error, 'string');
  });

  it('maps an unknown job to NotFoundResponseError ({error:{code,message}})', async () => {
    await assert.rejects(sdk.videoGeneration.getGeneration({ jobId: 'gen-nope' }), (err) => {
      assert.ok(err instanceof NotFoundResponseError, `${err.name}: ${err.message}`);
      assert.equal(err.error.code, 404);
      return true;
    });
  });

  it('lists the video models with their capabilities', async () => {
    const { data } = await sdk.videoGeneration.listVideosModels();
    const veo = data.find((m) => m.id === 'google/veo-3.1');
    assert.ok(veo, JSON.stringify(data));
    assert.deepEqual(veo.supportedDurations, [4, 6, 8]);
    assert.deepEqual(veo.supportedFrameImages, ['first_frame', 'last_frame']);
    assert.equal(veo.generateAudio, true);
    assert.equal(veo.pricingSkus.video_per_second, '0.40');
  });

  it('sends the same create body as `sora --profile openrouter`', async () => {
    await takeRequests(mock);
    const prompt = 'A lighthouse in a storm';
    await sdk.videoGeneration.generate({
      videoGenerationRequest: {
        model: 'google/veo-3.1',
        prompt,
        duration: 8,
        size: '1280x720',
        resolution: '1080p',
        aspectRatio: '16:9',
        generateAudio: true,
        seed: 42,
        frameImages: [
          { type: 'image_url', imageUrl: { url: dataUrl(FIRST, 'image/png') }, frameType: 'first_frame' },
          { type: 'image_url', imageUrl: { url: dataUrl(LAST, 'image/webp') }, frameType: 'last_frame' },
        ],
        inputReferences: [{ type: 'image_url', imageUrl: { url: dataUrl(REFERENCE, 'image/jpeg') } }],
      },
    });
    const cli = await runCli(cliBinary, [...CLI_ARGS(mock), '--seed', '42'], cliEnv(home));
    assert.equal(cli.code, 0, cli.output);
    const creates = (await takeRequests(mock)).filter((r) => r.method === 'POST');
    assert.equal(creates.length, 2, JSON.stringify(creates));
    const [fromSdk, fromCli] = creates.map((r) => r.json);
    sdkBody = fromSdk;
    assert.deepEqual(shapeOf(fromCli), shapeOf(fromSdk));
    assert.deepEqual(fromCli, fromSdk);
    // Every member is one the SDK sends (VideoGenerationRequest$Outbound), and every portable
    // option the SDK has a member for was compared above.
    for (const key of Object.keys(fromCli)) assert.ok(OUTBOUND.includes(key), `${key} is not an SDK member`);
    for (const key of ['aspect_ratio', 'resolution', 'frame_images', 'input_references', 'generate_audio', 'seed'])
      assert.ok(key in fromCli && OUTBOUND.includes(key), key);
  });

  it('--no-audio is generate_audio false; the SDK has no negative prompt, and sora refuses it', async () => {
    await takeRequests(mock);
    await sdk.videoGeneration.generate({ videoGenerationRequest: { model: 'google/veo-3.1', prompt: 'x', generateAudio: false } });
    const base = ['--profile', 'openrouter', '--base-url', `${mock.origin}/api/v1`, 'create', '-m', 'google/veo-3.1', '-p', 'x'];
    const cli = await runCli(cliBinary, [...base, '--no-audio'], cliEnv(home));
    assert.equal(cli.code, 0, cli.output);
    const [fromSdk, fromCli] = (await takeRequests(mock)).filter((r) => r.method === 'POST').map((r) => r.json);
    assert.deepEqual(fromCli, fromSdk);
    assert.ok(!OUTBOUND.includes('negative_prompt'));
    const refused = await runCli(cliBinary, [...base, '--negative-prompt', 'blur'], cliEnv(home));
    assert.equal(refused.code, 2, refused.output);
    assert.match(refused.output, /openrouter profile cannot send --negative-prompt/);
    assert.deepEqual((await takeRequests(mock)).filter((r) => r.method === 'POST'), []);
  });

  it('test of the test: one field of sora’s body broken fails the comparison', async () => {
    assert.ok(sdkBody, 'the comparison above ran');
    await takeRequests(mock);
    // (the mock's own type check refuses it too: exit 3; the body is in its log all the same)
    const cli = await runCli(cliBinary, [...CLI_ARGS(mock), '--field-json', 'seed="42"'], cliEnv(home));
    assert.match(cli.output, /Invalid type for 'seed'/);
    const [broken] = (await takeRequests(mock)).filter((r) => r.method === 'POST').map((r) => r.json);
    assert.throws(() => assert.deepEqual(shapeOf(broken), shapeOf(sdkBody)));
    const { aspect_ratio: _dropped, ...missing } = sdkBody;
    assert.throws(() => assert.deepEqual(shapeOf(missing), shapeOf(sdkBody)));
  });
});

describe('test of the test: a mock with a wrong field type', { timeout: 60_000 }, () => {
  let mock;
  before(async () => {
    mock = await startMock(mockBinary, ['--dialect', 'openrouter', '--fault', 'shape-mismatch']);
  });
  after(async () => stopMock(mock));

  it('the SDK rejects a job whose polling_url is a number', async () => {
    const sdk = sdkFor(mock);
    await assert.rejects(
      sdk.videoGeneration.generate({ videoGenerationRequest: { model: 'google/veo-3.1', prompt: 'x' } }),
      (err) => err instanceof ResponseValidationError,
    );
  });

  it('the SDK rejects a model list whose durations are strings', async () => {
    await assert.rejects(sdkFor(mock).videoGeneration.listVideosModels(), (err) => err instanceof ResponseValidationError);
  });
});

it("sora's default OpenRouter base URL is the SDK's", async () => {
  const out = await runCli(cliBinary, ['profiles', '--json']);
  assert.equal(out.code, 0, out.output);
  const profiles = JSON.parse(out.output);
  const openrouter = (Array.isArray(profiles) ? profiles : profiles.profiles).find((p) => p.name === 'openrouter');
  assert.equal(openrouter.base_url, ServerList.production);
});
