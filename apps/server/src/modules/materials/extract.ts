/**
 * Text extraction from uploaded materials, for the pre-check (智能预审) to read key fields:
 * the text layer of a PDF through unpdf (pdf.js), images and scanned PDFs through an OCR engine
 * when the machine has one (Debian: tesseract-ocr + tesseract-ocr-chi-sim; poppler-utils'
 * pdftoppm renders scanned pages). Never throws: whatever goes wrong becomes a status and a
 * reason the applicant and the clerk can see, because a file we cannot read is still a valid
 * upload that a person will look at.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { extractText as pdfText, getDocumentProxy } from 'unpdf';

export type ExtractionStatus = 'read' | 'unreadable' | 'not-attempted';

export interface Extraction {
  status: ExtractionStatus;
  /** Why the text is missing, in English, e.g. 'scanned PDF without text layer'. */
  reason?: string;
  text?: string;
  pages?: number;
  /** Which reader produced the text. */
  via?: 'pdf-text' | 'ocr';
  /** Wall time of the extraction, queueing for the OCR engine included. */
  ms: number;
}

export interface ExtractOptions {
  /** Limit for each step: parsing the PDF, rendering its pages, each OCR run. Default 60 s. */
  timeoutMs?: number;
  /** The OCR engine; null = none (images are then not attempted); omitted = `detectOcr()`. */
  ocr?: OcrEngine | null;
  /** Pages of a scanned PDF to OCR (the key fields of licences and permits are on the first). Default 3. */
  maxOcrPages?: number;
}

/** An OCR engine. `recognize` rejects on failure or timeout; callers turn that into a status. */
export interface OcrEngine {
  /** For logs and reports, e.g. 'tesseract 5.3.0 (chi_sim+eng)'. */
  readonly name: string;
  recognize(imagePath: string, opts?: { timeoutMs?: number }): Promise<string>;
}

const DEFAULT_TIMEOUT_MS = 60_000;
/** Larger PDFs are not parsed in the server process: pdf.js holds the whole file in memory. */
const MAX_PDF_BYTES = 64 * 1024 * 1024;
const MAX_TEXT_CHARS = 200_000;
/** Fewer visible characters than this on every page: a scan with no (or a junk) text layer. */
const MIN_TEXT_CHARS = 8;
const RENDER_DPI = 200;
const IMAGE_TYPES = new Set(['png', 'jpg', 'jpeg', 'tif', 'tiff', 'bmp']);

// ---------------------------------------------------------------------------------------------
// Child processes

/** A FIFO of at most `max` concurrent jobs; a finished job hands its slot to the next one. */
class Limiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly max: number) {}

  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.active < this.max) this.active++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await job();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

/**
 * OCR and page rendering each take a core for a second or more; on the 2-core machines the
 * platform targets, one at a time leaves the other core to the HTTP server.
 */
const heavyWork = new Limiter(1);

interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

const MAX_OUTPUT_BYTES = 8 * 1024 * 1024;

/** Runs a command without a shell; kills it (SIGKILL) at the timeout. Rejects only if it cannot start. */
function runProcess(cmd: string, args: string[], timeoutMs: number): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    // One OpenMP thread: tesseract's threading costs more than it gains on two shared cores.
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, OMP_THREAD_LIMIT: '1' } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (b: Buffer) => {
      outBytes += b.length;
      if (outBytes <= MAX_OUTPUT_BYTES) out.push(b);
    });
    child.stderr.on('data', (b: Buffer) => {
      if (err.length < 64) err.push(b);
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), timedOut });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Tesseract

/** The `tesseract` command line (Debian tesseract-ocr 5), one run at a time. */
export class TesseractCli implements OcrEngine {
  readonly name: string;

  constructor(
    readonly bin: string,
    readonly version: string,
    /** Installed language packs, e.g. ['chi_sim', 'eng', 'osd']. */
    readonly installed: readonly string[],
    /** Languages passed to -l, e.g. 'chi_sim+eng'. */
    readonly languages: string,
  ) {
    this.name = `tesseract ${version} (${languages})`;
  }

  /** The engine on PATH (or at `bin`), or null when it is missing or does not answer. */
  static async detect(bin = 'tesseract'): Promise<TesseractCli | null> {
    try {
      const v = await runProcess(bin, ['--version'], 10_000);
      if (v.code !== 0) return null;
      const version = /tesseract\s+v?([\d.]+)/i.exec(v.stdout + v.stderr)?.[1] ?? 'unknown';
      const l = await runProcess(bin, ['--list-langs'], 10_000);
      if (l.code !== 0) return null;
      const installed = (l.stdout + l.stderr)
        .split('\n')
        .map((s) => s.trim())
        .filter((s) => /^[a-z_]+$/i.test(s));
      const wanted = ['chi_sim', 'eng'].filter((x) => installed.includes(x));
      if (wanted.length === 0) return null;
      return new TesseractCli(bin, version, installed, wanted.join('+'));
    } catch {
      return null;
    }
  }

  get hasChinese(): boolean {
    return this.installed.includes('chi_sim');
  }

  async recognize(imagePath: string, opts: { timeoutMs?: number } = {}): Promise<string> {
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const r = await heavyWork.run(() => runProcess(this.bin, [imagePath, 'stdout', '-l', this.languages], timeoutMs));
    if (r.timedOut) throw new Error(`OCR timed out after ${timeoutMs} ms`);
    if (r.code !== 0) throw new Error(`tesseract exited with code ${r.code}: ${firstLine(r.stderr)}`);
    return r.stdout;
  }
}

function firstLine(s: string): string {
  return (s.split('\n').find((l) => l.trim()) ?? '').trim().slice(0, 200);
}

let ocrDetection: Promise<OcrEngine | null> | null = null;

/**
 * The machine's OCR engine for Chinese documents: tesseract with the chi_sim pack, or null (an
 * engine without Chinese would read the digits of a licence but none of its labels, and report
 * that as read). Detected once per process.
 */
export function detectOcr(): Promise<OcrEngine | null> {
  ocrDetection ??= TesseractCli.detect().then((t) => (t?.hasChinese ? t : null));
  return ocrDetection;
}

let pdftoppmDetection: Promise<boolean> | null = null;

/** Whether poppler's pdftoppm is on PATH (to render scanned PDF pages for OCR). */
export function hasPdftoppm(): Promise<boolean> {
  pdftoppmDetection ??= runProcess('pdftoppm', ['-v'], 10_000).then(
    (r) => r.code === 0,
    () => false,
  );
  return pdftoppmDetection;
}

// ---------------------------------------------------------------------------------------------
// Extraction

const message = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 200);

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

const visibleChars = (s: string) => s.replace(/\s/g, '').length;
const cap = (s: string) => (s.length > MAX_TEXT_CHARS ? s.slice(0, MAX_TEXT_CHARS) : s);

/** OCR of the first pages of a scanned PDF, rendered by pdftoppm into a temporary folder. */
async function ocrPdfPages(filePath: string, pages: number, ocr: OcrEngine, timeoutMs: number): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tongban-ocr-'));
  try {
    const r = await heavyWork.run(() => runProcess('pdftoppm', ['-r', String(RENDER_DPI), '-png', '-f', '1', '-l', String(pages), filePath, path.join(dir, 'page')], timeoutMs));
    if (r.timedOut) throw new Error(`rendering the pages timed out after ${timeoutMs} ms`);
    if (r.code !== 0) throw new Error(`pdftoppm exited with code ${r.code}: ${firstLine(r.stderr)}`);
    // page-1.png … or page-01.png …: the numbers are padded to the page count's width.
    const images = (await readdir(dir)).filter((f) => f.endsWith('.png')).sort();
    const texts: string[] = [];
    for (const image of images) texts.push(await ocr.recognize(path.join(dir, image), { timeoutMs }));
    return texts.join('\n\f\n');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function extractPdf(filePath: string, timeoutMs: number, getOcr: () => Promise<OcrEngine | null>, maxOcrPages: number): Promise<Omit<Extraction, 'ms'>> {
  const size = (await stat(filePath)).size;
  if (size > MAX_PDF_BYTES) return { status: 'not-attempted', reason: `PDF larger than ${MAX_PDF_BYTES / 1024 / 1024} MB` };
  let pages: number;
  let text: string;
  try {
    const data = new Uint8Array(await readFile(filePath));
    const doc = await withTimeout(getDocumentProxy(data, { verbosity: 0, stopAtErrors: false, useSystemFonts: false }), timeoutMs, 'opening the PDF');
    try {
      const r = await withTimeout(pdfText(doc, { mergePages: true }), timeoutMs, 'reading the PDF text');
      pages = r.totalPages;
      text = r.text;
    } finally {
      await doc.loadingTask.destroy().catch(() => undefined);
    }
  } catch (e) {
    if (e instanceof Error && e.name === 'PasswordException') return { status: 'unreadable', reason: 'could not read: encrypted PDF (password required)' };
    return { status: 'unreadable', reason: `could not read: ${message(e)}` };
  }
  if (visibleChars(text) >= MIN_TEXT_CHARS) return { status: 'read', text: cap(text), pages, via: 'pdf-text' };

  const ocr = await getOcr();
  if (!ocr || !(await hasPdftoppm())) return { status: 'unreadable', reason: 'scanned PDF without text layer', pages };
  try {
    const ocrText = await ocrPdfPages(filePath, Math.min(pages, maxOcrPages), ocr, timeoutMs);
    if (visibleChars(ocrText) < MIN_TEXT_CHARS) return { status: 'unreadable', reason: 'scanned PDF: OCR found no text', pages };
    return { status: 'read', text: cap(ocrText), pages, via: 'ocr' };
  } catch (e) {
    return { status: 'unreadable', reason: `could not read: ${message(e)}`, pages };
  }
}

async function extractImage(filePath: string, timeoutMs: number, ocr: OcrEngine | null): Promise<Omit<Extraction, 'ms'>> {
  if (!ocr) return { status: 'not-attempted', reason: 'no OCR engine on this server' };
  try {
    const text = await ocr.recognize(filePath, { timeoutMs });
    if (visibleChars(text) < MIN_TEXT_CHARS) return { status: 'unreadable', reason: 'OCR found no text', pages: 1 };
    return { status: 'read', text: cap(text), pages: 1, via: 'ocr' };
  } catch (e) {
    return { status: 'unreadable', reason: `could not read: ${message(e)}`, pages: 1 };
  }
}

/**
 * The text of an uploaded file, by its sniffed type (magic bytes, never the name). Never throws.
 */
export async function extractText(filePath: string, sniffed: 'pdf' | 'png' | 'jpg' | (string & {}), opts: ExtractOptions = {}): Promise<Extraction> {
  const started = performance.now();
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let result: Omit<Extraction, 'ms'>;
  try {
    // Detected only when needed: most PDFs have a text layer.
    const ocr = () => (opts.ocr === undefined ? detectOcr() : Promise.resolve(opts.ocr));
    if (sniffed === 'pdf') {
      result = await extractPdf(filePath, timeoutMs, ocr, opts.maxOcrPages ?? 3);
    } else if (IMAGE_TYPES.has(sniffed)) {
      result = await extractImage(filePath, timeoutMs, await ocr());
    } else {
      result = { status: 'not-attempted', reason: `no text reader for ${sniffed} files` };
    }
  } catch (e) {
    // A missing file, a failed stat: still a status, never an exception in the upload path.
    result = { status: 'unreadable', reason: `could not read: ${message(e)}` };
  }
  return { ...result, ms: Math.round(performance.now() - started) };
}
