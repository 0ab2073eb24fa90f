import fs from 'node:fs';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { ErrorCode } from '@tongban/contracts';
import { AppError } from '../../lib/errors.ts';

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
 * Files stored by their SM3 digest under `dir/ab/abcdef…`: names given by uploaders never touch
 * the filesystem, identical uploads are stored once, and a file is only moved into place once
 * it is complete (an interrupted upload leaves nothing behind).
 */
export class FileStore {
  constructor(private readonly dir: string) {}

  pathOf(sm3: string): string {
    if (!/^[0-9a-f]{64}$/.test(sm3)) throw new Error('not an SM3 digest');
    return path.join(this.dir, sm3.slice(0, 2), sm3);
  }

  /**
   * Streams an upload to a temporary file while hashing it; refuses it as soon as it passes
   * `maxBytes` or its first bytes are none of `accepted`.
   */
  async put(stream: Readable, opts: { maxBytes: number; accepted: string[] }): Promise<StoredFile> {
    fs.mkdirSync(path.join(this.dir, 'tmp'), { recursive: true });
    const tmp = path.join(this.dir, 'tmp', randomBytes(12).toString('hex'));
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
      if (sniffed === null) sniffed = this.check(head, opts.accepted);
      if (size === 0) throw new AppError(ErrorCode.VALIDATION_FAILED, { zh: '文件为空', en: 'The file is empty' });
      await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
      const sm3 = hash.digest('hex');
      const final = this.pathOf(sm3);
      fs.mkdirSync(path.dirname(final), { recursive: true });
      fs.renameSync(tmp, final);
      return { sm3, sizeBytes: size, sniffed, contentType: CONTENT_TYPES[sniffed] };
    } catch (err) {
      out.destroy();
      fs.rmSync(tmp, { force: true });
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

  open(sm3: string): fs.ReadStream {
    return fs.createReadStream(this.pathOf(sm3));
  }
}
