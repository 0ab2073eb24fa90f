import { execFile, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { sm2 } from 'sm-crypto-v2';
import { extractText } from 'unpdf';
import { beforeAll, describe, expect, it } from 'vitest';
import { sm3Hex } from '../../lib/sm3.ts';
import { cjkFontkit, parseFont } from '../../lib/pdfmake.ts';
import { generateSigningKey, keyIdOf, openPrivateKey, parseMasterKey, sealPrivateKey } from './keys.ts';
import { renderCertificatePdf, renderDecisionLetterPdf, type CertificateDocument, type DecisionLetterDocument } from './pdf.ts';
import {
  attachSignature,
  parsePublishedKeys,
  readSignature,
  signRecord,
  signSm2,
  verifyPdf,
  verifyRecord,
  verifySm2,
  type PublishedKey,
} from './signature.ts';

const repoRoot = path.resolve(import.meta.dirname, '../../../../..');
const serverRoot = path.join(repoRoot, 'apps/server');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'tongban-certificates-'));

const certificate: CertificateDocument = {
  kind: 'certificate',
  title: '建筑工程施工许可证',
  number: '苏住建施许〔2026〕第0012号',
  holderName: '苏州工业园区星湖置业有限公司',
  holderUscc: '91320594MA1N8XK27T',
  projectName: '星湖花园三期住宅及配套工程',
  projectCode: '2026-320500-48-03-012345',
  matterName: '建筑工程施工许可',
  departmentName: '苏州市住房和城乡建设局',
  issuedOn: '2026-03-05',
  validUntil: '2027-03-04',
  content: [
    { label: '建设地址', value: '苏州工业园区星湖街与金鸡湖大道交叉口东北侧' },
    { label: '建设规模', value: '总建筑面积 86,420.5 平方米，地上 18 层，地下 2 层' },
    { label: '施工单位', value: '中建八局第三建设有限公司' },
  ],
  verifyCode: 'K7Q2-9XMD-4HTP',
  verifyUrl: 'https://tongban.example.gov.cn/verify/K7Q2-9XMD-4HTP',
};

const letter: DecisionLetterDocument = {
  kind: 'decision-letter',
  number: '苏住建不许〔2026〕第0003号',
  holderName: certificate.holderName,
  holderUscc: certificate.holderUscc,
  projectName: certificate.projectName,
  projectCode: certificate.projectCode,
  matterName: certificate.matterName,
  departmentName: certificate.departmentName,
  issuedOn: '2026-03-06',
  reasons: ['施工图设计文件未经审查合格。', '建设资金落实承诺书与银行到位资金证明不一致。'],
  remedy: '如不服本决定，可以在收到本决定书之日起六十日内申请行政复议，或者在六个月内依法向人民法院提起行政诉讼。',
  verifyCode: 'P3LD-7MW2-Q9XE',
  verifyUrl: 'https://tongban.example.gov.cn/verify/P3LD-7MW2-Q9XE',
};

const signer = generateSigningKey();
const signerKeyId = keyIdOf(signer.publicKey);
const published: PublishedKey = {
  keyId: signerKeyId,
  departmentCode: 'SZ-ZJJ',
  departmentName: certificate.departmentName,
  publicKey: signer.publicKey,
  algorithm: 'SM2-with-SM3',
  createdAt: '2026-01-01T00:00:00.000Z',
  retiredAt: null,
};
const meta = { keyId: signerKeyId, number: certificate.number, verifyCode: certificate.verifyCode };

/** Figures printed at the end, for the report. */
const measured: Record<string, string> = {};
let pdf: Buffer;
let signed: Buffer;

function flipByte(buf: Buffer, at: number): Buffer {
  const copy = Buffer.from(buf);
  copy[at] = (copy[at] ?? 0) ^ 0x01;
  return copy;
}

function flipHexChar(hex: string, at: number): string {
  return hex.slice(0, at) + (hex[at] === '0' ? '1' : '0') + hex.slice(at + 1);
}

async function pdfText(file: Buffer): Promise<string> {
  // pdf.js may take over the array it is given: hand it a copy.
  const { text } = await extractText(new Uint8Array(file), { mergePages: true });
  return text.replace(/\s+/g, '');
}

/** The embedded TrueType programs (/FontFile2 streams, inflated) of a pdfkit-written PDF. */
function embeddedFontPrograms(file: Buffer): Buffer[] {
  const text = file.toString('latin1');
  return [...text.matchAll(/\/FontFile2 (\d+) 0 R/g)].map((ref) => {
    const start = text.indexOf(`\n${ref[1]} 0 obj`);
    const dictEnd = text.indexOf('stream\n', start);
    const length = Number(/\/Length (\d+)/.exec(text.slice(start, dictEnd))?.[1]);
    const body = file.subarray(dictEnd + 'stream\n'.length, dictEnd + 'stream\n'.length + length);
    return /\/FlateDecode/.test(text.slice(start, dictEnd)) ? inflateSync(body) : body;
  });
}

beforeAll(async () => {
  let t = performance.now();
  pdf = await renderCertificatePdf(certificate);
  measured['render certificate (first, loads fonts)'] = `${(performance.now() - t).toFixed(0)} ms`;
  t = performance.now();
  const again = await renderCertificatePdf(certificate);
  measured['render certificate (second)'] = `${(performance.now() - t).toFixed(0)} ms`;
  measured['certificate PDF size'] = `${(pdf.length / 1024).toFixed(1)} KiB`;
  measured['same input → same bytes'] = String(again.equals(pdf));
  signed = attachSignature(pdf, meta, signer.privateKey);
  writeFileSync(path.join(tmp, 'certificate.pdf'), signed);
});

describe('signing keys', () => {
  const master = parseMasterKey('00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff');

  it('seals and opens a private key; each seal has its own IV', () => {
    const sealed = sealPrivateKey(signer.privateKey, master);
    expect(sealed).toMatch(/^sm4-cbc:[0-9a-f]{32}:[0-9a-f]+:[0-9a-f]{64}$/);
    expect(sealed).not.toContain(signer.privateKey);
    expect(openPrivateKey(sealed, master)).toBe(signer.privateKey);
    expect(sealPrivateKey(signer.privateKey, master)).not.toBe(sealed);
  });

  it('refuses a wrong master key and any changed character of the sealed value', () => {
    const sealed = sealPrivateKey(signer.privateKey, master);
    expect(() => openPrivateKey(sealed, parseMasterKey('ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100'))).toThrow(/integrity check failed/);
    const parts = sealed.split(':');
    // iv, first ciphertext char, last ciphertext char, mac
    const positions = [parts[0]!.length + 1, parts[0]!.length + 34, sealed.length - 66, sealed.length - 1];
    for (const at of positions) expect(() => openPrivateKey(flipHexChar(sealed, at), master)).toThrow(/integrity check failed/);
    expect(() => openPrivateKey('sm4-cbc:abc', master)).toThrow(/not a sealed key/);
    expect(() => openPrivateKey(sealed, Buffer.alloc(16))).toThrow(/32 bytes/);
    expect(() => sealPrivateKey(signer.privateKey, Buffer.alloc(31))).toThrow(/32 bytes/);
  });

  it('keeps the encryption and the integrity halves of the master key apart', () => {
    const sealed = sealPrivateKey(signer.privateKey, master);
    // Same SM4 half, other MAC half: refused before decryption.
    const otherMac = Buffer.concat([master.subarray(0, 16), Buffer.alloc(16, 7)]);
    expect(() => openPrivateKey(sealed, otherMac)).toThrow(/integrity check failed/);
  });

  it('parses a master key of exactly 64 hex characters only', () => {
    const hex = '00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF';
    expect(parseMasterKey(hex).toString('hex')).toBe(hex.toLowerCase());
    for (const bad of ['', '0011', '00112233445566778899aabbccddeeff', hex.slice(1), `${hex}00`, `zz${hex.slice(2)}`]) {
      expect(() => parseMasterKey(bad)).toThrow(/64 hex characters/);
    }
  });

  it('derives the key id from the SM3 of the public key hex', () => {
    expect(signer.publicKey).toMatch(/^04[0-9a-f]{128}$/);
    expect(signer.privateKey).toMatch(/^[0-9a-f]{64}$/);
    expect(signerKeyId).toBe(sm3Hex(signer.publicKey).slice(0, 16));
    expect(keyIdOf(generateSigningKey().publicKey)).not.toBe(signerKeyId);
  });
});

describe('SM2 signatures', () => {
  const data = Buffer.concat([Buffer.from('%PDF-1.7 建筑工程施工许可证 '), Buffer.from([0x00, 0xff, 0xfe, 0x80, 0xc3])]);

  it('verifies its own signature and refuses another key, a changed byte, a changed signature', () => {
    const t = performance.now();
    const signature = signSm2(data, signer.privateKey);
    measured['SM2 sign (small message)'] = `${(performance.now() - t).toFixed(1)} ms`;
    expect(signature).toMatch(/^[0-9a-f]{128}$/);
    expect(verifySm2(data, signature, signer.publicKey)).toBe(true);
    expect(verifySm2(data, signature, generateSigningKey().publicKey)).toBe(false);
    for (const at of [0, 20, data.length - 1]) expect(verifySm2(flipByte(data, at), signature, signer.publicKey)).toBe(false);
    for (const at of [0, 63, 64, 127]) expect(verifySm2(data, flipHexChar(signature, at), signer.publicKey)).toBe(false);
    expect(verifySm2(data, 'zz', signer.publicKey)).toBe(false);
    expect(verifySm2(data, '0'.repeat(128), signer.publicKey)).toBe(false);
    expect(verifySm2(data, signature, '04abcd')).toBe(false);
  });

  it('interoperates with sm-crypto-v2 signing and verifying whole messages (SM3 over Z‖M as bytes)', () => {
    // sm-crypto-v2 hashes Z‖M itself here; ours hashes with Node's SM3 and signs the digest.
    const theirs = sm2.doSignature(new Uint8Array(data), signer.privateKey, { hash: true, der: false });
    expect(verifySm2(data, theirs, signer.publicKey)).toBe(true);
    const text = '苏住建施许〔2026〕第0012号';
    expect(verifySm2(Buffer.from(text, 'utf8'), sm2.doSignature(text, signer.privateKey, { hash: true }), signer.publicKey)).toBe(true);
    const ours = signSm2(data, signer.privateKey);
    expect(sm2.doVerifySignature(new Uint8Array(data), ours, signer.publicKey, { hash: true, der: false })).toBe(true);
    // The bytes are signed as bytes: the same bytes read as text (and re-encoded as UTF-8) differ.
    expect(sm2.doVerifySignature(data.toString('latin1'), ours, signer.publicKey, { hash: true, der: false })).toBe(false);
  });
});

describe('PDF signature trailer', () => {
  it('makes the signed certificate verify as authentic with its number and code', () => {
    const t = performance.now();
    const again = attachSignature(pdf, meta, signer.privateKey);
    measured['attach signature (sign the PDF)'] = `${(performance.now() - t).toFixed(1)} ms`;
    const v = performance.now();
    const result = verifyPdf(signed, [published]);
    measured['verifyPdf'] = `${(performance.now() - v).toFixed(1)} ms`;
    expect(result).toEqual({ status: 'authentic', keyId: signerKeyId, number: certificate.number, verifyCode: certificate.verifyCode });
    expect(verifyPdf(again, [published]).status).toBe('authentic');
    const trailer = signed.subarray(pdf.length).toString('latin1');
    expect(trailer).toMatch(/^\n%TONGBAN-SIGNATURE [A-Za-z0-9_-]+\n$/);
    const read = readSignature(signed);
    expect(read?.signedBytes.equals(pdf)).toBe(true);
    expect(read?.meta).toEqual(meta);
  });

  it('is invalid when any byte of the signed part changes', () => {
    for (const at of [0, 1, Math.floor(pdf.length / 3), Math.floor(pdf.length / 2), pdf.length - 8, pdf.length - 1]) {
      expect(verifyPdf(flipByte(signed, at), [published]).status, `byte ${at}`).toBe('invalid');
    }
  });

  it('is invalid when the trailer claims another number or code, or carries another signature', () => {
    const payload = JSON.parse(Buffer.from(signed.subarray(pdf.length + 20, signed.length - 1).toString('latin1'), 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    const withPayload = (changes: Record<string, unknown>) =>
      Buffer.concat([pdf, Buffer.from(`\n%TONGBAN-SIGNATURE ${Buffer.from(JSON.stringify({ ...payload, ...changes })).toString('base64url')}\n`)]);
    expect(verifyPdf(withPayload({}), [published]).status).toBe('authentic');
    expect(verifyPdf(withPayload({ number: '苏住建施许〔2026〕第0013号' }), [published]).status).toBe('invalid');
    expect(verifyPdf(withPayload({ verifyCode: 'AAAA-BBBB-CCCC' }), [published]).status).toBe('invalid');
    expect(verifyPdf(withPayload({ signature: flipHexChar(payload.signature as string, 5) }), [published]).status).toBe('invalid');
    expect(verifyPdf(withPayload({ signedBytes: pdf.length - 1 }), [published]).status).toBe('unsigned');
    expect(verifyPdf(withPayload({ v: 2 }), [published]).status).toBe('unsigned');
    for (const at of [pdf.length + 1, pdf.length + 25, signed.length - 10]) {
      expect(['invalid', 'unsigned'], `trailer byte ${at}`).toContain(verifyPdf(flipByte(signed, at), [published]).status);
    }
  });

  it('is unsigned when the trailer is cut short, missing, or followed by more bytes', () => {
    for (const cut of [1, 2, 40, signed.length - pdf.length - 1]) {
      expect(verifyPdf(signed.subarray(0, signed.length - cut), [published]).status, `cut ${cut}`).toBe('unsigned');
    }
    expect(verifyPdf(pdf, [published]).status).toBe('unsigned');
    expect(verifyPdf(Buffer.concat([signed, Buffer.from('\n')]), [published]).status).toBe('unsigned');
    expect(verifyPdf(Buffer.concat([signed, Buffer.from('%%EOF\n')]), [published]).status).toBe('unsigned');
  });

  it('names an unknown key, and ignores a published entry whose id is not its key', () => {
    const other = generateSigningKey();
    const otherKey: PublishedKey = { ...published, keyId: keyIdOf(other.publicKey), publicKey: other.publicKey };
    expect(verifyPdf(signed, [otherKey])).toEqual({ status: 'unknown-key', keyId: signerKeyId, number: certificate.number, verifyCode: certificate.verifyCode });
    expect(verifyPdf(signed, []).status).toBe('unknown-key');
    expect(verifyPdf(signed, [{ ...otherKey, keyId: signerKeyId }]).status).toBe('unknown-key');
    expect(verifyPdf(signed, [otherKey, { ...published, retiredAt: '2026-06-01T00:00:00.000Z' }]).status).toBe('authentic');
  });

  it('answers unsigned, never throws, on garbage', () => {
    const inputs = [
      Buffer.alloc(0),
      randomBytes(1),
      randomBytes(5000),
      Buffer.from('%PDF-1.7\n%%EOF\n'),
      Buffer.from('\n%TONGBAN-SIGNATURE \n'),
      Buffer.from('\n%TONGBAN-SIGNATURE !!!\n'),
      Buffer.from(`\n%TONGBAN-SIGNATURE ${Buffer.from('[1,2]').toString('base64url')}\n`),
      Buffer.from(`\n%TONGBAN-SIGNATURE ${Buffer.from('{"v":1').toString('base64url')}\n`),
      Buffer.concat([randomBytes(100), Buffer.from(`\n%TONGBAN-SIGNATURE ${'A'.repeat(20000)}\n`)]),
      null as unknown as Buffer,
    ];
    for (const input of inputs) {
      expect(readSignature(input)).toBeNull();
      expect(verifyPdf(input, [published])).toEqual({ status: 'unsigned' });
    }
  });

  it('signs complete PDFs only, with the key of the key id', () => {
    expect(() => attachSignature(Buffer.from('hello'), meta, signer.privateKey)).toThrow(/not a complete PDF/);
    expect(() => attachSignature(pdf.subarray(0, pdf.length - 10), meta, signer.privateKey)).toThrow(/not a complete PDF/);
    expect(() => attachSignature(signed, meta, signer.privateKey)).toThrow(/not a complete PDF/);
    expect(() => attachSignature(pdf, meta, generateSigningKey().privateKey)).toThrow(/does not belong/);
  });

  it('reads published key lists and refuses malformed ones', () => {
    expect(parsePublishedKeys({ keys: [published] })).toEqual([published]);
    expect(parsePublishedKeys([published])).toEqual([published]);
    expect(() => parsePublishedKeys({})).toThrow(/expected/);
    expect(() => parsePublishedKeys({ keys: [{ ...published, publicKey: '04abc' }] })).toThrow(/key #1: publicKey/);
    expect(() => parsePublishedKeys([published, { ...published, keyId: 'x' }])).toThrow(/key #2: keyId/);
  });
});

describe('record signature', () => {
  const fields = { number: certificate.number, holderUscc: certificate.holderUscc, projectCode: certificate.projectCode, issuedOn: '2026-03-05', validUntil: null };

  it('verifies the stored fields whatever their order and fails on any change', () => {
    const signature = signRecord(fields, signer.privateKey);
    expect(verifyRecord(fields, signature, signer.publicKey)).toBe(true);
    const reordered = { validUntil: null, issuedOn: '2026-03-05', projectCode: fields.projectCode, holderUscc: fields.holderUscc, number: fields.number };
    expect(verifyRecord(reordered, signature, signer.publicKey)).toBe(true);
    expect(verifyRecord({ ...fields, validUntil: '2099-12-31' }, signature, signer.publicKey)).toBe(false);
    expect(verifyRecord({ ...fields, holderUscc: '91320594MA1N8XK27U' }, signature, signer.publicKey)).toBe(false);
    expect(verifyRecord({ ...fields, revoked: true }, signature, signer.publicKey)).toBe(false);
  });
});

describe('certificate PDF', () => {
  it('holds the title, number, holder and USCC as text, also after signing', async () => {
    for (const file of [pdf, signed]) {
      const text = await pdfText(file);
      for (const expected of [certificate.title, certificate.number, certificate.holderName, certificate.holderUscc, certificate.projectCode, certificate.verifyCode]) {
        expect(text).toContain(expected);
      }
    }
    expect(signed.subarray(0, 8).toString('latin1')).toBe('%PDF-1.7');
  });

  it('renders the same bytes for the same document (dates from issuedOn)', () => {
    expect(measured['same input → same bytes']).toBe('true');
    // 2026-03-05 00:00 in China is 2026-03-04 16:00 UTC.
    expect(pdf.toString('latin1')).toMatch(/obj\n\(D:20260304160000Z\)\nendobj/);
  });

  it('embeds the CJK font, with a real glyph for every character shown', () => {
    const font = cjkFontkit('regular');
    const shown = [certificate.title, certificate.number, certificate.holderName, certificate.matterName, certificate.projectName, certificate.departmentName].join('');
    const missing = [...shown].filter((char) => font.glyphForCodePoint(char.codePointAt(0)!).id === 0);
    expect(missing).toEqual([]);
    const fonts = embeddedFontPrograms(pdf);
    expect(fonts.length).toBeGreaterThanOrEqual(1);
    // The subsets must hold an outline for every character drawn: a subsetter that drops CJK
    // glyphs (pdf-lib does) leaves empty ones, and text extraction would not notice. Only the
    // space may be empty, once per font.
    const distinct = new Set([...shown].filter((c) => c.trim() !== ''));
    let outlined = 0;
    for (const subset of fonts.map(parseFont)) {
      let empty = 0;
      for (let id = 1; id < subset.numGlyphs; id++) {
        if (subset.getGlyph(id).path.commands.length > 0) outlined++;
        else empty++;
      }
      expect(empty, 'glyphs without outline in one embedded font').toBeLessThanOrEqual(1);
    }
    expect(outlined).toBeGreaterThanOrEqual(distinct.size);
  });

  const ocr = ocrTools();
  it.skipIf(!ocr.available)(`renders Chinese that OCR reads back (pdftoppm + tesseract chi_sim)${ocr.available ? '' : ` — skipped: ${ocr.reason}`}`, () => {
    const dir = path.join(tmp, 'png');
    mkdirSync(dir, { recursive: true });
    const render = spawnSync('pdftoppm', ['-r', '100', '-png', '-f', '1', '-l', '1', '-singlefile', path.join(tmp, 'certificate.pdf'), path.join(dir, 'certificate')], {
      encoding: 'utf8',
    });
    expect(render.status, render.stderr).toBe(0);
    expect(render.stderr).toBe('');
    const png = path.join(dir, 'certificate.png');
    console.log(`certificate page 1 rendered (signed file, 100 dpi): ${png}`);
    const read = spawnSync('tesseract', [png, '-', '-l', 'chi_sim'], { encoding: 'utf8' });
    expect(read.status, read.stderr).toBe(0);
    const text = read.stdout.replace(/\s+/g, '');
    expect(text).toContain(certificate.title);
    expect(text).toContain('统一社会信用代码');
  });
});

describe('decision letter PDF', () => {
  it('renders the letter with its title, reasons and remedy, and signs like a certificate', async () => {
    const file = await renderDecisionLetterPdf(letter);
    const text = await pdfText(file);
    for (const expected of ['不予行政许可决定书', letter.number, letter.holderName, '一、施工图设计文件未经审查合格', '二、建设资金', '申请行政复议', letter.verifyCode]) {
      expect(text).toContain(expected);
    }
    const signedLetter = attachSignature(file, { keyId: signerKeyId, number: letter.number, verifyCode: letter.verifyCode }, signer.privateKey);
    expect(verifyPdf(signedLetter, [published]).status).toBe('authentic');
  });

  it('refuses an impossible date', async () => {
    await expect(renderDecisionLetterPdf({ ...letter, issuedOn: '2026-02-30' })).rejects.toThrow(/issuedOn must be a date/);
  });
});

describe('verify-cert CLI', () => {
  const keysFile = path.join(tmp, 'keys.json');
  const tsx = path.join(repoRoot, 'node_modules/.bin/tsx');
  const cli = path.join(serverRoot, 'src/cli/verify-cert.ts');

  function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      // As `npm run verify-cert` runs it: in the workspace folder, INIT_CWD = where the user was.
      execFile(tsx, [cli, ...args], { cwd: serverRoot, env: { ...process.env, INIT_CWD: tmp } }, (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      });
    });
  }

  beforeAll(() => {
    writeFileSync(keysFile, JSON.stringify({ keys: [published] }));
    writeFileSync(path.join(tmp, 'changed.pdf'), flipByte(signed, Math.floor(pdf.length / 2)));
    writeFileSync(path.join(tmp, 'not-a-pdf.pdf'), 'hello');
    writeFileSync(path.join(tmp, 'bad-keys.json'), '{"keys": [{"keyId": 1}]}');
  });

  it('exits 0 and prints authentic for the signed file (path relative to INIT_CWD)', async () => {
    const r = await run(['certificate.pdf', '--keys', 'keys.json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('真实有效');
    expect(r.stdout).toContain('AUTHENTIC');
    expect(r.stdout).toContain(certificate.number);
    expect(r.stdout).toContain(certificate.verifyCode);
  });

  it('exits 1 for a copy with one byte changed, and for a file that is not a PDF', async () => {
    const changed = await run(['changed.pdf', '--keys', keysFile]);
    expect(changed.code).toBe(1);
    expect(changed.stdout).toContain('INVALID');
    const notPdf = await run(['not-a-pdf.pdf', '--keys', keysFile]);
    expect(notPdf.code).toBe(1);
    expect(notPdf.stdout).toContain('NOT A PDF');
  });

  it('exits 2 with a message and no stack trace for a missing file, a bad key list, or bad usage', async () => {
    const cases = [['missing.pdf', '--keys', keysFile], ['certificate.pdf', '--keys', 'bad-keys.json'], ['certificate.pdf'], ['--bogus'], ['--help']];
    const results = await Promise.all(cases.map(run));
    results.forEach((r, i) => {
      expect(r.code, cases[i]!.join(' ')).toBe(2);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stderr).toContain('usage');
    });
    const [missing, badKeys] = results;
    expect(badKeys!.stderr).toContain('invalid key list');
    expect(missing!.stderr).toContain(path.join(tmp, 'missing.pdf'));
    expect(missing!.stderr).toContain('not found');
  });

  it('fetches the keys with --server; exits 2 when the server has none to give', async () => {
    const server = createServer((req, res) => {
      if (req.url === '/api/v1/certificates/keys') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [published] }));
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const ok = await run(['certificate.pdf', '--server', `http://127.0.0.1:${port}`]);
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.stdout).toContain('AUTHENTIC');
      const wrong = await run(['certificate.pdf', '--server', `http://127.0.0.1:${port}/elsewhere`]);
      expect(wrong.code).toBe(2);
      expect(wrong.stderr).toContain(`http://127.0.0.1:${port}/elsewhere/api/v1/certificates/keys answered HTTP 404`);
      const down = await run(['certificate.pdf', '--server', 'not a url']);
      expect(down.code).toBe(2);
      expect(down.stderr).toContain('--server is not a URL');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('prints the measurements', () => {
    console.log(`certificates: ${Object.entries(measured).map(([k, v]) => `${k}: ${v}`).join('; ')}`);
  });
});

function ocrTools(): { available: boolean; reason: string } {
  const pdftoppm = spawnSync('pdftoppm', ['-v'], { encoding: 'utf8' });
  if (pdftoppm.error) return { available: false, reason: 'pdftoppm (poppler-utils) is not on PATH' };
  const tesseract = spawnSync('tesseract', ['--list-langs'], { encoding: 'utf8' });
  if (tesseract.error) return { available: false, reason: 'tesseract is not on PATH' };
  if (!/^chi_sim$/m.test(`${tesseract.stdout}${tesseract.stderr}`)) return { available: false, reason: 'tesseract has no chi_sim language data' };
  return { available: true, reason: '' };
}
