import type { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';

export interface OutgoingFile {
  /** The name to offer (any characters; sent RFC 5987-encoded, never used as a path). */
  fileName: string;
  contentType: string;
  sizeBytes: number;
  stream: Readable;
  /** Plain ASCII fallback name for old clients (default "file"). */
  asciiName?: string;
}

/** `filename*` per RFC 5987/6266: UTF-8, percent-encoded, with the characters encodeURIComponent leaves alone escaped too. */
export function contentDisposition(inline: boolean, fileName: string, asciiName = 'file'): string {
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${inline ? 'inline' : 'attachment'}; filename="${asciiName.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encoded}`;
}

/**
 * Streams a stored file (never buffered whole). Uploaded content is served inert: no sniffing,
 * and a CSP that lets it run nothing and be framed only by our own pages (the case page and the
 * certificate list preview PDFs in a frame; Chromium's PDF viewer works under `sandbox`, checked
 * by hand with Debian's Chromium 2026-12).
 */
export function sendFile(reply: FastifyReply, f: OutgoingFile, inline = true): FastifyReply {
  return reply
    .header('content-type', f.contentType)
    .header('content-length', String(f.sizeBytes))
    .header('content-disposition', contentDisposition(inline, f.fileName, f.asciiName))
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'self'; sandbox")
    .send(f.stream);
}
