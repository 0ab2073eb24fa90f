import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';

/**
 * Where finished files live, by their SM3 digest. The upload intake (FileStore) streams a file to a
 * local temporary file while hashing and sniffing it, and only then hands the complete file to the
 * blob store under its digest: an interrupted upload never reaches a store, and identical files
 * are stored once. Two implementations pass the same contract tests (blob-store.test.ts): the
 * local filesystem (default) and S3-compatible object storage (when S3_BUCKET is configured).
 */
export interface BlobStore {
  readonly kind: 'local' | 's3';
  /** Moves a complete local file into the store under `sm3`; the temporary file is gone afterwards. */
  putFile(sm3: string, tmpPath: string, sizeBytes: number): Promise<void>;
  has(sm3: string): Promise<boolean>;
  /** Streams a stored file; `BlobNotFoundError` when there is none. */
  open(sm3: string): Promise<Readable>;
  remove(sm3: string): Promise<void>;
}

export class BlobNotFoundError extends Error {
  constructor(readonly sm3: string) {
    super(`no stored file ${sm3}`);
  }
}

/** Names inside a store come from the digest only, never from what an uploader called a file. */
export function blobName(sm3: string): string {
  if (!/^[0-9a-f]{64}$/.test(sm3)) throw new Error('not an SM3 digest');
  return `${sm3.slice(0, 2)}/${sm3}`;
}

/** Files under `dir/ab/abcdef…`, moved into place by rename (atomic on one filesystem). */
export class LocalBlobStore implements BlobStore {
  readonly kind = 'local';
  constructor(private readonly dir: string) {}

  private pathOf(sm3: string): string {
    return path.join(this.dir, blobName(sm3));
  }

  async putFile(sm3: string, tmpPath: string): Promise<void> {
    const final = this.pathOf(sm3);
    await fs.promises.mkdir(path.dirname(final), { recursive: true });
    await fs.promises.rename(tmpPath, final);
  }

  async has(sm3: string): Promise<boolean> {
    return fs.promises.access(this.pathOf(sm3)).then(
      () => true,
      () => false,
    );
  }

  async open(sm3: string): Promise<Readable> {
    // Open once and stream from that handle: no separate existence check that could race a removal.
    const handle = await fs.promises.open(this.pathOf(sm3)).catch((err: NodeJS.ErrnoException) => {
      throw err.code === 'ENOENT' ? new BlobNotFoundError(sm3) : err;
    });
    return handle.createReadStream();
  }

  async remove(sm3: string): Promise<void> {
    await fs.promises.rm(this.pathOf(sm3), { force: true });
  }
}
