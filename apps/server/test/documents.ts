import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { renderPdf, type PdfDefinition } from '../src/lib/pdfmake.ts';
import { as, type Session, type TestContext } from './helpers.ts';

/**
 * Documents made in the test, not kept as binary fixtures: PDFs with a real text layer drawn by
 * the platform's own pdfmake setup (CJK font), and — where poppler is installed — the same page
 * as a PNG, what a phone photo of a licence becomes.
 */
const table = (rows: string[][]) => ({ table: { widths: [150, '*'], body: rows } });

async function pdf(title: string, rows: string[][]): Promise<Buffer> {
  const doc: PdfDefinition = { defaultStyle: { fontSize: 14 }, content: [{ text: title, fontSize: 28, alignment: 'center', margin: [0, 0, 0, 24] }, table(rows)] };
  return renderPdf(doc, new Date('2026-03-01T08:00:00Z'));
}

/** A mock 营业执照 (business licence). */
export function licencePdf(o: { uscc: string; name: string; from?: string; until?: string }): Promise<Buffer> {
  return pdf('营业执照', [
    ['统一社会信用代码', o.uscc],
    ['名称', o.name],
    ['法定代表人', '张三'],
    ['成立日期', '2018年06月15日'],
    ['营业期限', `${o.from ?? '2018年06月15日'}至${o.until ?? '2048年06月14日'}`],
  ]);
}

/** A mock 中标通知书 dated `date` (YYYY年MM月DD日). */
export function awardPdf(o: { date: string; winner?: string }): Promise<Buffer> {
  return pdf('中标通知书', [
    ['中标人', o.winner ?? '苏州建工集团有限公司'],
    ['中标价', '12000万元'],
    ['日期', o.date],
  ]);
}

/** The first page of a PDF as a PNG (poppler's pdftoppm), or null when it is not installed. */
export function pngOf(pdfBytes: Buffer): Buffer | null {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tb-doc-'));
  try {
    fs.writeFileSync(path.join(dir, 'in.pdf'), pdfBytes);
    execFileSync('pdftoppm', ['-r', '200', '-png', '-singlefile', path.join(dir, 'in.pdf'), path.join(dir, 'out')], { stdio: 'ignore' });
    return fs.readFileSync(path.join(dir, 'out.png'));
  } catch {
    return null;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export const sm3 = (b: Buffer) => createHash('sm3').update(b).digest('hex');

const fileHeaders = (name: string) => ({ 'content-type': 'application/octet-stream', 'x-file-name': encodeURIComponent(name) });

/** Uploads a file for a requirement of an application. */
export function uploadTo(t: TestContext, s: Session, applicationId: number, requirementId: number, body: Buffer, name: string) {
  return as(t.app, s)('POST', `/api/v1/applications/${applicationId}/materials?requirementId=${requirementId}`, body, fileHeaders(name));
}

/** Uploads a new material into the caller's library. */
export function uploadToLibrary(t: TestContext, s: Session, query: Record<string, string>, body: Buffer, name: string) {
  return as(t.app, s)('POST', `/api/v1/library/materials?${new URLSearchParams(query).toString()}`, body, fileHeaders(name));
}

/** Uploads a new version of a library material. */
export function uploadVersion(t: TestContext, s: Session, id: number, body: Buffer, name: string, query: Record<string, string> = {}) {
  return as(t.app, s)('POST', `/api/v1/library/materials/${id}/versions?${new URLSearchParams(query).toString()}`, body, fileHeaders(name));
}
