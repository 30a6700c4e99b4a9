// conformance.together_sdk: Together's official SDK (`together-ai`) drives
// `sora-mock --dialect together` through create -> retrieve -> outputs.video_url and
// outputs.cost at /v2/videos. The SDK does not validate answers at run time (Stainless SDKs
// trust their types), so every answer, and the body `sora --profile together` sends, is checked
// by the TypeScript compiler against the SDK's own declarations (`VideoJob`,
// `VideoCreateParams` in together-ai/resources/videos.d.ts), as object literals: a wrong type, a
// missing required field or a field the SDK does not declare is a compile error. A test of the
// test starts the mock with the hidden `shape-mismatch` fault and asserts the check fails.
//
// Run: SORA_MOCK=build/sora-mock SORA_CLI=build/sora node --test tests/conformance/together-sdk.test.mjs
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

requirePackages('together-ai', 'typescript');
const { default: Together } = await import('together-ai');
const { default: ts } = await import('typescript');
const mockBinary = requireBinary('SORA_MOCK');
const cliBinary = requireBinary('SORA_CLI');

const API_KEY = 'tg-conformance';
const FIRST = join(dataDir, 'photo-1280x720.png');
const LAST = join(dataDir, 'photo-1280x720.webp');
const REFERENCE = join(dataDir, 'photo-1024x768.jpg');
const VIDEOS_DTS = join(here, 'node_modules', 'together-ai', 'resources', 'videos');

// Type-checks JSON values against the SDK's declared types; returns the compiler's complaints
// (empty when every value is a valid object literal of its type).
function typeErrors(checks) {
  const dir = mkdtempSync(join(tmpdir(), 'sora-together-types-'));
  try {
    const file = join(dir, 'check.ts');
    const lines = [`import type { VideoJob, VideoCreateParams } from ${JSON.stringify(VIDEOS_DTS)};`];
    checks.forEach(({ type, value }, i) => lines.push(`export const v${i}: ${type} = ${JSON.stringify(value)};`));
    writeFileSync(file, lines.join('\n'));
    const program = ts.createProgram([file], {
      noEmit: true,
      strict: true,
      skipLibCheck: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      types: [],
    });
    return ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function sdkFor(mock) {
  return new Together({ apiKey: API_KEY, baseURL: `${mock.origin}/v2`, maxRetries: 0, timeout: 10_000 });
}

async function pollUntilDone(sdk, id, answers) {
  for (let i = 0; i < 50; i++) {
    const job = await sdk.videos.retrieve(id);
    answers.push(job);
    if (job.status !== 'in_progress') return job;
    await sleep(20);
  }
  throw new Error(`job ${id} never finished`);
}

// The members VideoCreateParams marks @deprecated (read from the SDK's declarations).
const DEPRECATED = [...readFileSync(`${VIDEOS_DTS}.d.ts`, 'utf8').matchAll(/@deprecated(?:[^*]|\*(?!\/))*\*\/\s*(\w+)\?:/g)].map(
  (m) => m[1],
);

const CLI_ARGS = (mock) => [
  '--profile', 'together', '--base-url', `${mock.origin}/v2`, 'create', '-m', 'Wan-AI/Wan2.2-I2V-A14B',
  '-p', 'A lighthouse in a storm', '-s', '8', '--size', '1280x720', '--aspect-ratio', '16:9', '--resolution', '1080p',
  '--no-audio', '--negative-prompt', 'blur, text', '--image', FIRST, '--last-frame', LAST, '--reference', REFERENCE,
];
const cliEnv = (home) => ({
  SORA_API_KEY: API_KEY, XDG_CONFIG_HOME: home, XDG_STATE_HOME: home, XDG_CACHE_HOME: home, XDG_DATA_HOME: home,
});

describe('Together SDK against sora-mock --dialect together', { timeout: 90_000 }, () => {
  let mock;
  let sdkBody;
  let sdk;
  let home;
  const answers = []; // every VideoJob the mock gave, type-checked at the end

  before(async () => {
    mock = await startMock(mockBinary, ['--dialect', 'together', '--api-key', API_KEY]);
    sdk = sdkFor(mock);
    home = mkdtempSync(join(tmpdir(), 'sora-conformance-home-'));
  });

  after(async () => {
    await stopMock(mock);
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('creates, retrieves, and downloads outputs.video_url; reports outputs.cost', async () => {
    const created = await sdk.videos.create({ model: 'Wan-AI/Wan2.2-T2V-A14B', prompt: 'Waves at night', seconds: '4' });
    answers.push(created);
    assert.equal(created.status, 'in_progress');
    const done = await pollUntilDone(sdk, created.id, answers);
    assert.equal(done.status, 'completed');
    assert.equal(typeof done.outputs.cost, 'number');
    assert.equal(done.outputs.cost, 0.2); // 4 s at the mock's $0.05/s for Wan
    // Signed storage on another origin: no key is sent (or accepted).
    const response = await fetch(done.outputs.video_url);
    assert.equal(response.status, 200);
    const bytes = Buffer.from(await response.arrayBuffer());
    assert.deepEqual(bytes, readFileSync(join(dataDir, 'sample-clip.mp4')));
  });

  it('reports a failed job with error {message, code}', async () => {
    const created = await sdk.videos.create({ model: 'Wan-AI/Wan2.2-T2V-A14B', prompt: 'mock:fail this' });
    answers.push(created);
    const done = await pollUntilDone(sdk, created.id, answers);
    assert.equal(done.status, 'failed');
    assert.equal(typeof done.error.message, 'string');
  });

  it('every answer type-checks as the SDK’s VideoJob', () => {
    assert.ok(answers.length >= 4);
    assert.deepEqual(typeErrors(answers.map((value) => ({ type: 'VideoJob', value }))), []);
  });

  it('sends the same create body as `sora --profile together`, a valid VideoCreateParams', async () => {
    await takeRequests(mock);
    const prompt = 'A lighthouse in a storm';
    // Every member sora can send, in the SDK's current (not deprecated) form: width and height
    // (VideoCreateParams has no size), and the images inside `media`.
    await sdk.videos.create({
      model: 'Wan-AI/Wan2.2-I2V-A14B',
      prompt,
      seconds: '8',
      width: 1280,
      height: 720,
      ratio: '16:9',
      resolution: '1080p',
      generate_audio: false,
      seed: 42,
      negative_prompt: 'blur, text',
      media: {
        frame_images: [
          { input_image: dataUrl(FIRST, 'image/png'), frame: 'first' },
          { input_image: dataUrl(LAST, 'image/webp'), frame: 'last' },
        ],
        reference_images: [dataUrl(REFERENCE, 'image/jpeg')],
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
    assert.deepEqual(typeErrors([{ type: 'VideoCreateParams', value: fromCli }]), []);
    assert.deepEqual(Object.keys(fromCli).filter((k) => DEPRECATED.includes(k)), []);
  });

  it('test of the test: one field of sora’s body broken fails the comparison', async () => {
    assert.ok(sdkBody, 'the comparison above ran');
    await takeRequests(mock);
    // seed as a string, as a profile mapping it wrongly would send it
    // (the mock's own type check refuses it too: exit 3; the body is in its log all the same)
    const cli = await runCli(cliBinary, [...CLI_ARGS(mock), '--field-json', 'seed="42"'], cliEnv(home));
    assert.match(cli.output, /Invalid type for 'seed'/);
    const [broken] = (await takeRequests(mock)).filter((r) => r.method === 'POST').map((r) => r.json);
    assert.throws(() => assert.deepEqual(shapeOf(broken), shapeOf(sdkBody)));
    assert.equal(typeErrors([{ type: 'VideoCreateParams', value: broken }]).length, 1);
    // the deprecated top-level members, and a `size` the SDK does not declare, are caught too
    const { media, width: _w, height: _h, ...rest } = sdkBody;
    const old = { ...rest, size: '1280x720', ...media };
    assert.ok(typeErrors([{ type: 'VideoCreateParams', value: old }]).length >= 1);
    assert.deepEqual(Object.keys(old).filter((k) => DEPRECATED.includes(k)).sort(), ['frame_images', 'reference_images']);
  });
});

describe('test of the test: a mock with a wrong field type', { timeout: 60_000 }, () => {
  let mock;
  before(async () => {
    mock = await startMock(mockBinary, ['--dialect', 'together', '--fault', 'shape-mismatch']);
  });
  after(async () => stopMock(mock));

  it('the type check rejects outputs.cost as a string', async () => {
    const sdk = sdkFor(mock);
    const created = await sdk.videos.create({ model: 'Wan-AI/Wan2.2-T2V-A14B', prompt: 'x' });
    const done = await pollUntilDone(sdk, created.id, []);
    assert.equal(typeof done.outputs.cost, 'string');
    const errors = typeErrors([{ type: 'VideoJob', value: done }]);
    assert.equal(errors.length, 1, errors.join('\n'));
    assert.match(errors[0], /string.*number/s);
  });

  it('the type check rejects a field the SDK does not declare, and a missing one', () => {
    const good = { id: 'a', created_at: 1, model: 'm', seconds: '4', size: '720x1280', status: 'in_progress' };
    assert.deepEqual(typeErrors([{ type: 'VideoJob', value: good }]), []);
    assert.equal(typeErrors([{ type: 'VideoJob', value: { ...good, progress: 5 } }]).length, 1);
    const { size: _dropped, ...missing } = good;
    assert.equal(typeErrors([{ type: 'VideoJob', value: missing }]).length, 1);
  });
});

it("sora's default Together base URL is the SDK's for videos", async () => {
  const source = readFileSync(join(here, 'node_modules', 'together-ai', 'resources', 'videos.mjs'), 'utf8');
  const sdkBase = [...source.matchAll(/defaultBaseURL: '([^']+)'/g)].map((m) => m[1]);
  assert.ok(sdkBase.length >= 1);
  const out = await runCli(cliBinary, ['profiles', '--json']);
  assert.equal(out.code, 0, out.output);
  const together = JSON.parse(out.output).find((p) => p.name === 'together');
  for (const url of sdkBase) assert.equal(together.base_url, url);
});
