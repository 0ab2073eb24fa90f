import fs from 'node:fs';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { ErrorCode } from '@tongban/contracts';
import { AppError } from '../../lib/errors.ts';
import { LocalBlobStore, type BlobStore } from './blob-store.ts';
import { S3BlobStore, type S3Settings } from './s3-blob-store.ts';

/** What the first bytes of a file say it is (never the name). */
export type SniffedType = 'pdf' | 'png' | 'jpg' | 'zip' | 'ole' | 'dwg' | 'unknown';

const CONTENT_TYPES: Record<SniffedType, string> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  zip: 'application/zip',
  ole: 'application/x-ole-storage',
  dwg: 'image/vnd.dwg',
  unknown: 'application/octet-stream',
};

export function sniff(head: Buffer): SniffedType {
  const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
  if (starts(0x25, 0x50, 0x44, 0x46, 0x2d)) return 'pdf'; // %PDF-
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
  if (starts(0xff, 0xd8, 0xff)) return 'jpg';
  if (starts(0x50, 0x4b, 0x03, 0x04)) return 'zip'; // docx, xlsx, ofd and zip are all zip containers
  if (starts(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1)) return 'ole'; // doc, xls
  if (starts(0x41, 0x43, 0x31, 0x30)) return 'dwg'; // AC10xx
  return 'unknown';
}

/** The sniffed type of a stored content type (the reverse of CONTENT_TYPES). */
export function sniffedOf(contentType: string): SniffedType {
  return (Object.entries(CONTENT_TYPES).find(([, ct]) => ct === contentType)?.[0] as SniffedType | undefined) ?? 'unknown';
}

/** Whether a file of this stored content type satisfies one of a requirement's accepted types. */
export function satisfies(contentType: string, accepted: readonly string[]): boolean {
  return SATISFIES[sniffedOf(contentType)].some((x) => accepted.includes(x));
}

/** Which declared requirement types a sniffed container satisfies. */
const SATISFIES: Record<SniffedType, string[]> = {
  pdf: ['pdf'],
  png: ['png'],
  jpg: ['jpg'],
  zip: ['ofd', 'docx', 'xlsx', 'zip'],
  ole: ['doc', 'xls'],
  dwg: ['dwg'],
  unknown: [],
};

export interface StoredFile {
  sm3: string;
  sizeBytes: number;
  sniffed: SniffedType;
  contentType: string;
}

/**
 * The upload intake. A file is streamed to a temporary file under `tmpDir` while it is hashed
 * (SM3), measured and sniffed, and refused as soon as it is too large or not an accepted type;
 * only a complete, accepted file is handed to the blob store under its digest. So names given
 * by uploaders never touch a filesystem or a bucket, identical uploads are stored once, and an
 * upload interrupted half way leaves nothing behind (the temporary file is removed).
 */
export class FileStore {
  constructor(
    private readonly tmpDir: string,
    readonly blobs: BlobStore,
  ) {}

  /**
   * Streams an upload to a temporary file while hashing it; refuses it as soon as it passes
   * `maxBytes` or its first bytes are none of `accepted`. `inspect` sees the complete temporary
   * file before it goes to the blob store (text extraction reads it there: with S3 the file is
   * gone afterwards); if it throws, nothing is stored.
   */
  async put(stream: Readable, opts: { maxBytes: number; accepted: string[]; inspect?: (tmpPath: string, file: StoredFile) => Promise<void> }): Promise<StoredFile> {
    fs.mkdirSync(this.tmpDir, { recursive: true });
    const tmp = path.join(this.tmpDir, randomBytes(12).toString('hex'));
    const out = fs.createWriteStream(tmp, { flags: 'wx' });
    const hash = createHash('sm3');
    let size = 0;
    let head = Buffer.alloc(0);
    let sniffed: SniffedType | null = null;
    try {
      for await (const chunk of stream) {
        const buf = chunk as Buffer;
        size += buf.length;
        if (size > opts.maxBytes) {
          throw new AppError(ErrorCode.PAYLOAD_TOO_LARGE, { zh: `文件超过 ${Math.round(opts.maxBytes / 1048576)} MB 上限`, en: `The file exceeds ${Math.round(opts.maxBytes / 1048576)} MB` });
        }
        if (sniffed === null) {
          head = Buffer.concat([head, buf]);
          if (head.length >= 16) sniffed = this.check(head, opts.accepted);
        }
        hash.update(buf);
        if (!out.write(buf)) await new Promise<void>((r) => out.once('drain', () => r()));
      }
      if (size === 0) throw new AppError(ErrorCode.VALIDATION_FAILED, { zh: '文件为空', en: 'The file is empty' });
      if (sniffed === null) sniffed = this.check(head, opts.accepted);
      await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
      const file: StoredFile = { sm3: hash.digest('hex'), sizeBytes: size, sniffed, contentType: CONTENT_TYPES[sniffed] };
      if (opts.inspect) await opts.inspect(tmp, file);
      await this.blobs.putFile(file.sm3, tmp, size);
      return file;
    } catch (err) {
      // The stream opens its file asynchronously: wait until it is closed, or the file could be
      // created after it was removed and stay behind.
      if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()).destroy());
      await fs.promises.rm(tmp, { force: true });
      throw err;
    }
  }

  private check(head: Buffer, accepted: string[]): SniffedType {
    const t = sniff(head);
    if (!SATISFIES[t].some((x) => accepted.includes(x))) {
      throw new AppError(ErrorCode.FILE_TYPE_REFUSED, { zh: `文件内容不是允许的格式（${accepted.join('、')}）`, en: `The file content is not one of the accepted types (${accepted.join(', ')})` });
    }
    return t;
  }

  open(sm3: string): Promise<Readable> {
    return this.blobs.open(sm3);
  }
}

/** Local files under `filesDir` by default; S3-compatible storage when configured. */
export function createFileStore(opts: { filesDir: string; s3: S3Settings | null }): FileStore {
  const blobs = opts.s3 ? new S3BlobStore(opts.s3) : new LocalBlobStore(opts.filesDir);
  return new FileStore(path.join(opts.filesDir, 'tmp'), blobs);
}
