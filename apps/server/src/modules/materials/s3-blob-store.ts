import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { createHash, createHmac } from 'node:crypto';
import type { Readable } from 'node:stream';
import { BlobNotFoundError, blobName, type BlobStore } from './blob-store.ts';

/** S3-compatible object storage (MinIO, Ceph RGW, 阿里云 OSS / 腾讯云 COS in S3 mode, AWS). */
export interface S3Settings {
  /** e.g. http://127.0.0.1:9000 — path-style requests (`endpoint/bucket/key`) work everywhere. */
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Key prefix inside the bucket, e.g. `tongban/` (may be empty). */
  prefix: string;
}

interface S3Response {
  status: number;
  body: Readable;
}

/**
 * A small S3 client over node:http with AWS Signature Version 4 (the protocol S3-compatible
 * stores speak; its SHA-256 is the protocol's, the files themselves are named by SM3). Bodies are
 * streamed both ways with `UNSIGNED-PAYLOAD`, so a large drawing is never held in memory. Only the
 * four calls the platform needs: PUT, GET, HEAD, DELETE of one object.
 */
export class S3BlobStore implements BlobStore {
  readonly kind = 's3';
  private readonly base: URL;

  constructor(private readonly s: S3Settings) {
    this.base = new URL(s.endpoint);
  }

  async putFile(sm3: string, tmpPath: string, sizeBytes: number): Promise<void> {
    const res = await this.request('PUT', sm3, { body: fs.createReadStream(tmpPath), length: sizeBytes });
    await this.expect(res, [200], 'PUT');
    await fs.promises.rm(tmpPath, { force: true });
  }

  async has(sm3: string): Promise<boolean> {
    const res = await this.request('HEAD', sm3);
    res.body.resume();
    if (res.status === 404) return false;
    await this.expect(res, [200], 'HEAD');
    return true;
  }

  async open(sm3: string): Promise<Readable> {
    const res = await this.request('GET', sm3);
    if (res.status === 404) {
      res.body.resume();
      throw new BlobNotFoundError(sm3);
    }
    await this.expect(res, [200], 'GET');
    return res.body;
  }

  async remove(sm3: string): Promise<void> {
    const res = await this.request('DELETE', sm3);
    await this.expect(res, [200, 204, 404], 'DELETE');
  }

  private async expect(res: S3Response, ok: number[], op: string): Promise<void> {
    if (ok.includes(res.status)) return;
    let text = '';
    for await (const chunk of res.body) if (text.length < 2000) text += String(chunk);
    const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? '';
    throw new Error(`S3 ${op} answered ${res.status} ${code}`.trim());
  }

  private request(method: string, sm3: string, upload?: { body: Readable; length: number }): Promise<S3Response> {
    const key = `${this.s.prefix}${blobName(sm3)}`;
    const basePath = this.base.pathname.replace(/\/$/, '');
    const canonicalUri = `${basePath}/${[this.s.bucket, ...key.split('/')].map(encodeSegment).join('/')}`;
    const amzDate = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    const headers: Record<string, string> = {
      host: this.base.host,
      'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
      'x-amz-date': amzDate,
    };
    if (upload) headers['content-length'] = String(upload.length);
    headers.authorization = this.authorization(method, canonicalUri, headers, amzDate);
    const client = this.base.protocol === 'https:' ? https : http;
    return new Promise<S3Response>((resolve, reject) => {
      const req = client.request({ method, hostname: this.base.hostname, port: this.base.port || undefined, path: canonicalUri, headers }, (res) => resolve({ status: res.statusCode ?? 0, body: res }));
      req.on('error', reject);
      if (upload) {
        upload.body.on('error', (err) => req.destroy(err));
        upload.body.pipe(req);
      } else req.end();
    });
  }

  private authorization(method: string, canonicalUri: string, headers: Record<string, string>, amzDate: string): string {
    return signV4({ method, canonicalUri, headers, payloadHash: 'UNSIGNED-PAYLOAD', amzDate, region: this.s.region, accessKeyId: this.s.accessKeyId, secretAccessKey: this.s.secretAccessKey });
  }
}

/**
 * The Authorization header of AWS Signature Version 4 for a request without a query string
 * (docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html); every header given is
 * signed. Exported for its test against the documented example.
 */
export function signV4(r: { method: string; canonicalUri: string; headers: Record<string, string>; payloadHash: string; amzDate: string; region: string; accessKeyId: string; secretAccessKey: string }): string {
  const day = r.amzDate.slice(0, 8);
  const scope = `${day}/${r.region}/s3/aws4_request`;
  const names = Object.keys(r.headers)
    .map((n) => n.toLowerCase())
    .sort();
  const value = (n: string) => Object.entries(r.headers).find(([k]) => k.toLowerCase() === n)![1].trim();
  const canonicalHeaders = names.map((n) => `${n}:${value(n)}\n`).join('');
  const signedHeaders = names.join(';');
  const canonicalRequest = [r.method, r.canonicalUri, '', canonicalHeaders, signedHeaders, r.payloadHash].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', r.amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  let key: Buffer = hmac(`AWS4${r.secretAccessKey}`, day);
  for (const part of [r.region, 's3', 'aws4_request']) key = hmac(key, part);
  const signature = createHmac('sha256', key).update(stringToSign).digest('hex');
  return `AWS4-HMAC-SHA256 Credential=${r.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

function sha256Hex(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

/** RFC 3986 encoding of one path segment, as SigV4 wants it (unreserved characters stay). */
function encodeSegment(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
