import type { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { ExtractionView } from '@tongban/contracts';
import { readFacts } from '@tongban/engine';
import type { DB } from '../../db/schema.ts';
import type { Executor, Tx } from '../../db/transaction.ts';
import type { Clock } from '../../lib/clock.ts';
import { extractText, type ExtractOptions } from './extract.ts';
import type { FileStore, StoredFile } from './file-store.ts';

/** What the first upload of a content found in it; null when the content was already known. */
export interface FirstReading {
  status: ExtractionView['status'];
  source: string | null;
  reason: { zh: string; en: string } | null;
  text: string | null;
  facts: Record<string, string>;
}

export interface Received extends StoredFile {
  reading: FirstReading | null;
}

/** Chinese for the English reasons `extractText` gives (the applicant and the clerk read Chinese). */
export function reasonOf(en: string | undefined): { zh: string; en: string } | null {
  if (!en) return null;
  const couldNot = /^could not read: (.*)$/.exec(en);
  if (couldNot) return { zh: en.includes('encrypted PDF') ? '无法读取：PDF 已加密（需要密码）' : `无法读取：${couldNot[1]}`, en };
  const table: Array<[RegExp, (m: RegExpExecArray) => string]> = [
    [/^scanned PDF without text layer$/, () => '扫描件 PDF，没有文字层（服务器无法进行文字识别）'],
    [/^scanned PDF: OCR found no text$/, () => '扫描件 PDF，文字识别未找到文字'],
    [/^OCR found no text$/, () => '文字识别未找到文字'],
    [/^no OCR engine on this server$/, () => '服务器未安装文字识别（OCR）引擎'],
    [/^no text reader for (.+) files$/, (m) => `不读取 ${m[1]} 文件的文字`],
    [/^PDF larger than (.+)$/, (m) => `PDF 大于 ${m[1]}，未读取`],
  ];
  for (const [re, zh] of table) {
    const m = re.exec(en);
    if (m) return { zh: zh(m), en };
  }
  return { zh: en, en };
}

/**
 * The upload intake with its one-time reading: a file is streamed in (FileStore: SM3, sniffing,
 * limits), and the first time a content is seen its text is extracted and its key facts read,
 * while the complete file is still on local disk. `remember` writes that reading into
 * `stored_file` in the caller's transaction; later uploads of the same digest reuse the row, so
 * the same content is never extracted twice (decision 0013).
 */
export class MaterialIntake {
  /** Extractions run by this process (the cache's effect shows in it; logs and tests read it). */
  extractions = 0;

  constructor(
    private readonly db: Kysely<DB>,
    readonly files: FileStore,
    private readonly clock: Clock,
    private readonly extractOptions: ExtractOptions = {},
  ) {}

  async receive(body: Readable, limits: { maxBytes: number; accepted: string[] }): Promise<Received> {
    let reading: FirstReading | null = null;
    const stored = await this.files.put(body, {
      ...limits,
      inspect: async (tmpPath, file) => {
        const known = await this.db.selectFrom('stored_file').select('sm3').where('sm3', '=', file.sm3).executeTakeFirst();
        if (known) return;
        this.extractions++;
        const x = await extractText(tmpPath, file.sniffed, this.extractOptions);
        reading = {
          status: x.status,
          source: x.status === 'read' ? (x.via ?? null) : null,
          reason: reasonOf(x.reason),
          text: x.text ?? null,
          facts: x.status === 'read' && x.text ? readFacts(x.text) : {},
        };
      },
    });
    return { ...stored, reading };
  }

  /** Records a received content (first sight only) in the caller's transaction. */
  async remember(trx: Tx, r: Received): Promise<void> {
    const x = r.reading ?? { status: 'not-attempted' as const, source: null, reason: null, text: null, facts: {} };
    // Known contents keep their row; a concurrent first upload of the same bytes wrote the same reading.
    await trx
      .insertInto('stored_file')
      .values({
        sm3: r.sm3,
        size_bytes: r.sizeBytes,
        content_type: r.contentType,
        text_status: x.status,
        text_source: x.source,
        text_reason: x.reason ? JSON.stringify(x.reason) : null,
        // PostgreSQL text cannot hold NUL characters, which OCR and broken text layers produce.
        text: x.text?.replace(/\u0000/g, '') ?? null,
        facts: JSON.stringify(x.facts),
        created_at: this.clock.now(),
      })
      .onConflict((oc) => oc.column('sm3').doNothing())
      .execute();
  }

  /** The readings of stored contents by digest; a digest without a row reads as not attempted. */
  async readings(db: Executor, sm3s: Iterable<string>): Promise<Map<string, ExtractionView>> {
    const list = [...new Set(sm3s)];
    const out = new Map<string, ExtractionView>();
    if (!list.length) return out;
    const rows = await db.selectFrom('stored_file').select(['sm3', 'text_status', 'text_source', 'text_reason', 'facts']).where('sm3', 'in', list).execute();
    for (const r of rows) out.set(r.sm3, { status: r.text_status, source: r.text_source, reason: r.text_reason ?? null, facts: r.facts ?? {} });
    return out;
  }
}

export const NOT_READ: ExtractionView = { status: 'not-attempted', source: null, reason: null, facts: {} };
