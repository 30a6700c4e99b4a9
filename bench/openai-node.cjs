// The official OpenAI Node SDK doing what `sora download` and `sora status` do, for bench/run.
// Usage: node bench/openai-node.cjs MODULES_DIR BASE_URL download ID OUT
//        node bench/openai-node.cjs MODULES_DIR BASE_URL status ID
// MODULES_DIR is a folder whose node_modules holds `openai` (tests/conformance). The download
// streams the body of /videos/ID/content to OUT as the SDK's own examples do: the fetch
// Response's web stream through Readable.fromWeb into a file stream.
'use strict';
const { createRequire } = require('node:module');
const { createWriteStream } = require('node:fs');
const { Readable } = require('node:stream');
const { pipeline } = require('node:stream/promises');
const path = require('node:path');

async function main() {
  const [modulesDir, baseURL, mode, id, out] = process.argv.slice(2);
  const requireThere = createRequire(path.join(path.resolve(modulesDir), 'package.json'));
  const sdk = requireThere('openai');
  const OpenAI = sdk.OpenAI || sdk.default || sdk;
  const client = new OpenAI({ apiKey: 'sk-bench', baseURL, maxRetries: 0 });
  if (mode === 'status') {
    const video = await client.videos.retrieve(id);
    process.stdout.write(`${video.id} ${video.status}\n`);
  } else if (mode === 'download') {
    const response = await client.videos.downloadContent(id);
    await pipeline(Readable.fromWeb(response.body), createWriteStream(out));
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
}

main().catch((err) => {
  process.stderr.write(`openai-node: ${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
