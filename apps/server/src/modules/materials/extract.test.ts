import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usccCheckChar } from '@tongban/contracts';
import { readFacts } from '@tongban/engine';
import { renderPdf, type PdfDefinition } from '../../lib/pdfmake.ts';
import { detectOcr, extractText, hasPdftoppm, TesseractCli, type OcrEngine } from './extract.ts';

// Documents are made here, not kept as binary fixtures: a mock 营业执照 as a PDF with a real CJK
// font (the platform's own renderPdf), the same page rendered to PNG (what a phone photo of a
// licence becomes), and a "scan": a PDF holding only that picture.
const USCC = `91320594MA1XXXXX0${usccCheckChar('91320594MA1XXXXX0')!}`;
const NAME = '苏州工业园区通办建设发展有限公司';

const ocr = await detectOcr();
const pdftoppm = await hasPdftoppm();
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tongban-extract-'));
const file = (name: string) => path.join(work, name);
const timings: Record<string, number> = {};

async function writePdf(name: string, doc: PdfDefinition): Promise<string> {
  const buf = await renderPdf({ defaultStyle: { fontSize: 14 }, ...doc }, new Date('2026-03-05T08:00:00Z'));
  fs.writeFileSync(file(name), buf);
  return file(name);
}

const licence: PdfDefinition = {
  content: [
    { text: '营业执照', fontSize: 28, alignment: 'center', margin: [0, 0, 0, 24] },
    {
      table: {
        widths: [150, '*'],
        body: [
          ['统一社会信用代码', USCC],
          ['名称', NAME],
          ['法定代表人', '张三'],
          ['成立日期', '2018年06月15日'],
          ['营业期限', '2018年06月15日至2048年06月14日'],
        ],
      },
    },
  ],
};

beforeAll(async () => {
  await writePdf('licence.pdf', licence);
  if (pdftoppm) {
    execFileSync('pdftoppm', ['-r', '200', '-png', '-singlefile', file('licence.pdf'), file('licence')]);
    const png = fs.readFileSync(file('licence.png'));
    await writePdf('scan.pdf', { content: [{ image: `data:image/png;base64,${png.toString('base64')}`, width: 515 }] });
  }
});

afterAll(() => {
  fs.rmSync(work, { recursive: true, force: true });
  console.info(`extraction timings (ms): ${JSON.stringify(timings)}; OCR engine: ${ocr?.name ?? 'none'}; pdftoppm: ${pdftoppm}`);
});

describe('extractText: PDF text layer', () => {
  it('reads a generated 营业执照 and the pre-check finds its USCC and name', async () => {
    const r = await extractText(file('licence.pdf'), 'pdf', { ocr: null });
    timings.pdfText = r.ms;
    expect(r).toMatchObject({ status: 'read', pages: 1, via: 'pdf-text' });
    expect(r.text).toContain(NAME);
    expect(readFacts(r.text!)).toMatchObject({ uscc: USCC, enterpriseName: NAME, legalRepresentative: '张三', establishedDate: '2018-06-15', validUntil: '2048-06-14' });
  });

  it.each([
    ['truncated', (b: Buffer) => b.subarray(0, 400)],
    ['garbage after the header', () => Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(2048, 0x41)])],
    ['empty', () => Buffer.alloc(0)],
  ])('a corrupt PDF (%s) is unreadable, without throwing', async (name, corrupt) => {
    const target = file(`corrupt-${name}.pdf`);
    fs.writeFileSync(target, corrupt(fs.readFileSync(file('licence.pdf'))));
    const r = await extractText(target, 'pdf', { ocr: null });
    expect(r.status).toBe('unreadable');
    expect(r.reason).toMatch(/^could not read: ./);
    expect(r.text).toBeUndefined();
  });

  it('an encrypted PDF is unreadable with the reason', async () => {
    const target = await writePdf('encrypted.pdf', { ...licence, userPassword: 'secret', ownerPassword: 'owner' });
    const r = await extractText(target, 'pdf', { ocr: null });
    expect(r).toMatchObject({ status: 'unreadable', reason: 'could not read: encrypted PDF (password required)' });
  });

  it('a missing file is unreadable, without throwing', async () => {
    const r = await extractText(file('nope.pdf'), 'pdf', { ocr: null });
    expect(r.status).toBe('unreadable');
    expect(r.reason).toContain('could not read');
  });

  it('an unsupported type is not attempted', async () => {
    expect(await extractText(file('licence.pdf'), 'zip', { ocr: null })).toMatchObject({ status: 'not-attempted', reason: 'no text reader for zip files' });
  });
});

describe('extractText: images and scans', () => {
  it.skipIf(!pdftoppm)('a scanned PDF without OCR engine is unreadable: scanned PDF without text layer', async () => {
    const r = await extractText(file('scan.pdf'), 'pdf', { ocr: null });
    expect(r).toMatchObject({ status: 'unreadable', reason: 'scanned PDF without text layer', pages: 1 });
  });

  it.skipIf(!pdftoppm)('an image without OCR engine is not attempted, with the reason', async () => {
    const r = await extractText(file('licence.png'), 'png', { ocr: null });
    expect(r).toMatchObject({ status: 'not-attempted', reason: 'no OCR engine on this server' });
  });

  it.skipIf(!ocr || !pdftoppm)('OCR reads the USCC and the name from a PNG of the licence', async () => {
    const r = await extractText(file('licence.png'), 'png', { ocr });
    timings.ocrPng = r.ms;
    expect(r).toMatchObject({ status: 'read', via: 'ocr' });
    expect(readFacts(r.text!)).toMatchObject({ uscc: USCC, enterpriseName: NAME });
  });

  it.skipIf(!ocr || !pdftoppm)('OCR reads a scanned PDF through its rendered pages (engine detected when none is given)', async () => {
    const r = await extractText(file('scan.pdf'), 'pdf');
    timings.ocrScannedPdf = r.ms;
    expect(r).toMatchObject({ status: 'read', via: 'ocr', pages: 1 });
    expect(readFacts(r.text!).uscc).toBe(USCC);
  });

  it.skipIf(!ocr || !pdftoppm)('an OCR run past its time limit is killed and reported unreadable', async () => {
    const r = await extractText(file('licence.png'), 'png', { ocr, timeoutMs: 50 });
    expect(r).toMatchObject({ status: 'unreadable', reason: 'could not read: OCR timed out after 50 ms' });
    expect(r.ms).toBeLessThan(5_000);
  });

  it.skipIf(!ocr)('tesseract failing on a file that is no image is unreadable, without throwing', async () => {
    fs.writeFileSync(file('fake.png'), 'not a png');
    const r = await extractText(file('fake.png'), 'png', { ocr });
    expect(r.status).toBe('unreadable');
    expect(r.reason).toMatch(/^could not read: tesseract exited with code/);
  });

  it('a crashing or hanging OCR engine never escapes as an exception', async () => {
    const crashing: OcrEngine = { name: 'crash', recognize: () => Promise.reject(new Error('segfault')) };
    expect(await extractText(file('licence.pdf'), 'png', { ocr: crashing })).toMatchObject({ status: 'unreadable', reason: 'could not read: segfault' });
    const blank: OcrEngine = { name: 'blank', recognize: () => Promise.resolve(' \n ') };
    expect(await extractText(file('licence.pdf'), 'jpg', { ocr: blank })).toMatchObject({ status: 'unreadable', reason: 'OCR found no text' });
  });

  it('detection finds tesseract with chi_sim exactly when the machine has it', async () => {
    const t = await TesseractCli.detect();
    expect(ocr === null ? t === null || !t.hasChinese : t?.hasChinese).toBe(true);
    expect(await TesseractCli.detect('/nonexistent/tesseract')).toBeNull();
  });
});
