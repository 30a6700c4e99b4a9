// conformance.c2pa: `sora inspect` against the official C2PA reader. Clips are signed in the test
// with @contentauth/c2pa-wasm's own builder (c2pa-rs compiled to WebAssembly) and a throwaway
// certificate made here with the openssl CLI; then the package's WasmReader.fromBytes and
// `sora inspect --json` must agree on whether a manifest is present, its claim generator and its
// title. Unsigned clips must read as "no manifest" by both.
//
// 0.13.3 in Node 20 needs two things the browser has: FileReaderSync (the builder reads Blobs with
// it; a Blob that keeps its bytes stands in), and its JavaScript signer is "direct COSE": the
// callback gets the claim and returns a whole COSE_Sign1 (RFC 9052), built below with ES256.
//
// Run: SORA_CLI=build/sora node --test tests/conformance/c2pa.test.mjs
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate, createPrivateKey, sign as cryptoSign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { here, requireBinary, requirePackages } from './lib.mjs';

requirePackages('@contentauth/c2pa-wasm');
const soraBinary = requireBinary('SORA_CLI');
const pkg = join(here, 'node_modules', '@contentauth', 'c2pa-wasm', 'pkg');
const { initSync, WasmBuilder, WasmReader } = await import(join(pkg, 'c2pa.js'));
initSync({ module: readFileSync(join(pkg, 'c2pa_bg.wasm')) });

class BytesBlob extends Blob {
  constructor(bytes) {
    super([bytes]);
    this.bytes = bytes;
  }
  slice(start = 0, end = this.bytes.length) {
    return new BytesBlob(this.bytes.subarray(start, end));
  }
}
globalThis.FileReaderSync = class {
  readAsArrayBuffer(blob) {
    const b = blob.bytes;
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
  }
};

// Just enough CBOR (RFC 8949) for a COSE_Sign1: integers, strings, bytes, arrays, maps, a tag.
function cbor(value) {
  const out = [];
  const head = (major, n) => {
    if (n < 24) out.push((major << 5) | n);
    else if (n < 256) out.push((major << 5) | 24, n);
    else if (n < 65536) out.push((major << 5) | 25, n >> 8, n & 255);
    else out.push((major << 5) | 26, (n >>> 24) & 255, (n >> 16) & 255, (n >> 8) & 255, n & 255);
  };
  const encode = (v) => {
    if (v === null) out.push(0xf6);
    else if (typeof v === 'number') v >= 0 ? head(0, v) : head(1, -1 - v);
    else if (typeof v === 'string') {
      const b = Buffer.from(v, 'utf8');
      head(3, b.length);
      out.push(...b);
    } else if (v instanceof Uint8Array) {
      head(2, v.length);
      for (const x of v) out.push(x);
    } else if (Array.isArray(v)) {
      head(4, v.length);
      v.forEach(encode);
    } else if (v instanceof Map) {
      head(5, v.size);
      for (const [k, x] of v) {
        encode(k);
        encode(x);
      }
    } else if (v && v.tag !== undefined) {
      head(6, v.tag);
      encode(v.value);
    } else throw new Error(`cannot encode ${v}`);
  };
  encode(value);
  return new Uint8Array(out);
}

let dir;
let signer;
const context = JSON.stringify({ verify: { verify_trust: false } });

function makeClip(name, colour) {
  const path = join(dir, name);
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', `color=${colour}:s=160x90:d=1:r=24`,
    '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-y', path]);
  return path;
}

async function signClip(input, output, generator, title) {
  const manifest = {
    claim_generator_info: [generator],
    title,
    assertions: [{ label: 'c2pa.actions', data: { actions: [{ action: 'c2pa.created',
      digitalSourceType: 'http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia' }] } }],
  };
  const builder = WasmBuilder.fromJson(JSON.stringify(manifest), context);
  const signed = await builder.sign(signer, [], 'video/mp4', new BytesBlob(new Uint8Array(readFileSync(input))));
  writeFileSync(output, signed);
}

async function officialReading(path) {
  try {
    const reader = await WasmReader.fromBytes('video/mp4', new Uint8Array(readFileSync(path)), context);
    const m = reader.activeManifest();
    const info = m.claim_generator_info?.[0];
    return { present: true, generator: m.claim_generator ?? `${info.name}/${info.version}`, title: m.title ?? null };
  } catch (error) {
    if (String(error).includes('JumbfNotFound')) return { present: false, generator: null, title: null };
    throw error;
  }
}

function soraReading(path) {
  const out = JSON.parse(execFileSync(soraBinary, ['inspect', '--json', path], { encoding: 'utf8' }));
  return { present: out.c2pa.present, generator: out.c2pa.claim_generator, title: out.c2pa.title };
}

describe('sora inspect agrees with the C2PA reader', () => {
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sora-c2pa-'));
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256',
      '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=sora test signer/O=sora tests',
      '-addext', 'keyUsage=critical,digitalSignature', '-addext', 'extendedKeyUsage=emailProtection',
      '-addext', 'basicConstraints=critical,CA:false'], { stdio: 'ignore' });
    const privateKey = createPrivateKey(readFileSync(key));
    const der = new Uint8Array(new X509Certificate(readFileSync(cert)).raw);
    signer = {
      alg: 'es256',
      reserveSize: 20000,
      sign: async (claim) => {
        const protectedHeader = cbor(new Map([[1, -7], [33, der]])); // alg ES256, x5chain
        const toBeSigned = cbor(['Signature1', protectedHeader, new Uint8Array(0), claim]);
        const signature = new Uint8Array(cryptoSign('sha256', toBeSigned, { key: privateKey, dsaEncoding: 'ieee-p1363' }));
        return cbor({ tag: 18, value: [protectedHeader, new Map(), null, signature] });
      },
    };
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('an unsigned clip has no manifest for either', async () => {
    const clip = makeClip('plain.mp4', 'red');
    assert.deepEqual(await officialReading(clip), { present: false, generator: null, title: null });
    assert.deepEqual(soraReading(clip), { present: false, generator: null, title: null });
  });

  it('a signed clip: present, same claim generator and title', async () => {
    const clip = makeClip('a.mp4', 'blue');
    await signClip(clip, join(dir, 'a-signed.mp4'), { name: 'sora-test', version: '1.2.3' }, 'Lighthouse at dawn');
    const official = await officialReading(join(dir, 'a-signed.mp4'));
    assert.deepEqual(official, { present: true, generator: 'sora-test/1.2.3', title: 'Lighthouse at dawn' });
    assert.deepEqual(soraReading(join(dir, 'a-signed.mp4')), official);
  });

  it('another signer and title are read as such (the comparison can fail)', async () => {
    const clip = makeClip('b.mp4', 'green');
    await signClip(clip, join(dir, 'b-signed.mp4'), { name: 'Other Generator', version: '9' }, 'Harbour, night');
    const official = await officialReading(join(dir, 'b-signed.mp4'));
    const ours = soraReading(join(dir, 'b-signed.mp4'));
    assert.deepEqual(ours, official);
    assert.notDeepEqual(ours, soraReading(join(dir, 'a-signed.mp4')));
  });
});
