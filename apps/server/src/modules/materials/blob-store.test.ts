import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// s3rver: an S3-compatible server in Node (devDependency), so the S3 adapter's contract runs on
// every machine with `npm test`, not only where a MinIO happens to be installed.
import S3rver from 's3rver';
import { BlobNotFoundError, LocalBlobStore, type BlobStore } from './blob-store.ts';
import { S3BlobStore, signV4 } from './s3-blob-store.ts';
import { FileStore } from './file-store.ts';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tongban-blobs-'));
let s3server: { close(): Promise<void> } | null = null;
let s3endpoint = '';

beforeAll(async () => {
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: path.join(work, 's3rver'), configureBuckets: [{ name: 'tongban', configs: [] }] });
  const address = await server.run();
  s3endpoint = `http://${address.address}:${address.port}`;
  s3server = server;
});

afterAll(async () => {
  await s3server?.close();
  fs.rmSync(work, { recursive: true, force: true });
});

function sm3(buf: Buffer): string {
  return createHash('sm3').update(buf).digest('hex');
}

/** A complete temporary file as the intake leaves it. */
function tmpFile(content: Buffer): string {
  const p = path.join(work, `tmp-${randomBytes(6).toString('hex')}`);
  fs.writeFileSync(p, content);
  return p;
}

async function readAll(r: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of r) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

const stores: Array<[string, () => BlobStore]> = [
  ['local filesystem', () => new LocalBlobStore(path.join(work, 'local'))],
  [
    'S3-compatible (s3rver)',
    () => new S3BlobStore({ endpoint: s3endpoint, bucket: 'tongban', region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', prefix: 'files/' }),
  ],
];

describe.each(stores)('blob store contract: %s', (_name, make) => {
  it('stores a file under its digest, streams it back byte for byte and removes the temporary file', async () => {
    const store = make();
    const content = randomBytes(3 * 1024 * 1024 + 17); // several chunks
    const digest = sm3(content);
    const tmp = tmpFile(content);
    expect(await store.has(digest)).toBe(false);
    await store.putFile(digest, tmp, content.length);
    expect(fs.existsSync(tmp)).toBe(false);
    expect(await store.has(digest)).toBe(true);
    expect(sm3(await readAll(await store.open(digest)))).toBe(digest);
  });

  it('stores identical content once: a second put of the same digest is harmless', async () => {
    const store = make();
    const content = Buffer.from('同一份营业执照');
    const digest = sm3(content);
    await store.putFile(digest, tmpFile(content), content.length);
    await store.putFile(digest, tmpFile(content), content.length);
    expect((await readAll(await store.open(digest))).toString()).toBe('同一份营业执照');
  });

  it('answers BlobNotFoundError for an unknown digest, and after removal', async () => {
    const store = make();
    const unknown = sm3(Buffer.from(`unknown ${Math.random()}`));
    await expect(store.open(unknown)).rejects.toBeInstanceOf(BlobNotFoundError);
    const content = Buffer.from('to be removed');
    const digest = sm3(content);
    await store.putFile(digest, tmpFile(content), content.length);
    await store.remove(digest);
    expect(await store.has(digest)).toBe(false);
    await expect(store.open(digest)).rejects.toBeInstanceOf(BlobNotFoundError);
    await store.remove(digest); // removing twice is fine
  });

  it('refuses anything but a digest as a name (no path ever comes from outside)', async () => {
    const store = make();
    for (const bad of ['../../etc/passwd', 'a'.repeat(63), `${'a'.repeat(63)}/`, 'A'.repeat(64)]) {
      await expect(store.open(bad)).rejects.toThrow('not an SM3 digest');
    }
  });
});

describe.each(stores)('upload intake over %s', (_name, make) => {
  const tmpDir = path.join(work, 'intake-tmp');
  const leftovers = () => (fs.existsSync(tmpDir) ? fs.readdirSync(tmpDir) : []);
  const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(200_000)]);

  /** Streams `buf` in 64 KiB chunks, failing after `failAfter` bytes when given (a dropped connection). */
  function upload(buf: Buffer, failAfter?: number): Readable {
    let sent = 0;
    return new Readable({
      read() {
        if (failAfter !== undefined && sent >= failAfter) {
          this.destroy(new Error('connection reset by peer'));
          return;
        }
        const chunk = buf.subarray(sent, sent + 65536);
        sent += chunk.length;
        this.push(chunk.length ? chunk : null);
      },
    });
  }

  it('stores an accepted file by its SM3 digest, whatever it was called', async () => {
    const intake = new FileStore(tmpDir, make());
    const stored = await intake.put(upload(pdf), { maxBytes: 1024 * 1024, accepted: ['pdf'] });
    expect(stored).toMatchObject({ sm3: sm3(pdf), sizeBytes: pdf.length, sniffed: 'pdf', contentType: 'application/pdf' });
    expect(sm3(await readAll(await intake.open(stored.sm3)))).toBe(sm3(pdf));
    expect(leftovers()).toEqual([]);
  });

  it('refuses a renamed executable by its first bytes (415) and keeps nothing', async () => {
    const intake = new FileStore(tmpDir, make());
    const exe = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00'), randomBytes(4096)]);
    await expect(intake.put(upload(exe), { maxBytes: 1024 * 1024, accepted: ['pdf', 'jpg', 'png'] })).rejects.toMatchObject({ code: 'FILE_TYPE_REFUSED' });
    expect(await intake.blobs.has(sm3(exe))).toBe(false);
    expect(leftovers()).toEqual([]);
  });

  it('stops reading a file over the size limit (413) and keeps nothing', async () => {
    const intake = new FileStore(tmpDir, make());
    const big = Buffer.concat([Buffer.from('%PDF-1.5\n'), randomBytes(200_000)]);
    await expect(intake.put(upload(big), { maxBytes: 100_000, accepted: ['pdf'] })).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(await intake.blobs.has(sm3(big))).toBe(false);
    expect(leftovers()).toEqual([]);
  });

  it('an upload interrupted half way leaves nothing behind', async () => {
    const intake = new FileStore(tmpDir, make());
    const other = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(300_000)]);
    await expect(intake.put(upload(other, 150_000), { maxBytes: 1024 * 1024, accepted: ['pdf'] })).rejects.toThrow('connection reset by peer');
    expect(await intake.blobs.has(sm3(other))).toBe(false);
    expect(leftovers()).toEqual([]);
  });
});

describe('S3 adapter', () => {
  it('signs requests as AWS documents it (Signature Version 4, the GET example of the S3 API reference)', () => {
    // s3rver does not check v4 signatures, so the signing is checked against AWS's published example.
    const auth = signV4({
      method: 'GET',
      canonicalUri: '/test.txt',
      headers: {
        Host: 'examplebucket.s3.amazonaws.com',
        Range: 'bytes=0-9',
        'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
        'x-amz-date': '20130524T000000Z',
      },
      payloadHash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      amzDate: '20130524T000000Z',
      region: 'us-east-1',
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    });
    expect(auth).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    );
  });

  it('reports a refused request as an error, not as a missing file, and keeps nothing', async () => {
    const settings = { endpoint: s3endpoint, bucket: 'tongban', region: 'us-east-1', accessKeyId: 'NOT-A-KEY', secretAccessKey: 'x', prefix: '' };
    const content = Buffer.from('refused');
    const digest = sm3(content);
    const store = new S3BlobStore(settings);
    await expect(store.open(digest)).rejects.toThrow(/S3 GET answered 403 InvalidAccessKeyId/);
    await expect(store.putFile(digest, tmpFile(content), content.length)).rejects.toThrow(/S3 PUT answered 403/);
    expect(await new S3BlobStore({ ...settings, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }).has(digest)).toBe(false);
  });

  it('a bucket that does not exist is an error', async () => {
    const store = new S3BlobStore({ endpoint: s3endpoint, bucket: 'no-such-bucket', region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', prefix: '' });
    const content = Buffer.from('nowhere');
    await expect(store.putFile(sm3(content), tmpFile(content), content.length)).rejects.toThrow(/S3 PUT answered 404 NoSuchBucket/);
  });
});
