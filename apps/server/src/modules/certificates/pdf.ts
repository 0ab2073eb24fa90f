/**
 * The result documents as PDF: the certificate (电子证照 / 批复文件) of an approved case and the
 * decision letter (不予行政许可决定书) of a refused one. A4, Noto Sans SC embedded as a subset, a
 * QR code of the verification URL with the verification code under it, and a drawn seal.
 *
 * Output is deterministic: the same document gives the same bytes (the PDF dates and file id come
 * from `issuedOn`, nothing random is drawn), so a certificate can be re-rendered and re-checked.
 */
import QRCode from 'qrcode';
import type { Content } from 'pdfmake';
import { cjkFontkit, renderPdf, type PdfDefinition } from '../../lib/pdfmake.ts';

/** What every result document shows: who, which project and matter, who decided, how to verify. */
interface ResultDocumentBase {
  /** 文号, e.g. 苏住建施许〔2026〕第0012号 */
  number: string;
  holderName: string;
  holderUscc: string;
  projectName: string;
  projectCode: string;
  matterName: string;
  departmentName: string;
  /** YYYY-MM-DD */
  issuedOn: string;
  verifyCode: string;
  verifyUrl: string;
}

export interface CertificateDocument extends ResultDocumentBase {
  kind: 'certificate';
  /** e.g. 建筑工程施工许可证 */
  title: string;
  /** YYYY-MM-DD, or null for no expiry (长期有效). */
  validUntil: string | null;
  /** Extra rows of the field table, after the standard ones. */
  content: Array<{ label: string; value: string }>;
}

export interface DecisionLetterDocument extends ResultDocumentBase {
  kind: 'decision-letter';
  reasons: string[];
  /** The applicant's rights of administrative reconsideration and litigation (复议 / 诉讼). */
  remedy: string;
}

const SEAL_RED = '#d7261e';
const FRAME_COLOR = '#8c2a22';
const MUTED = '#555555';
const PAGE_MARGINS: [number, number, number, number] = [72, 84, 72, 76];
const DECISION_TITLE = '不予行政许可决定书';

/** '2026-03-05' → the instant 2026-03-05T00:00+08:00; throws on anything but a real calendar date. */
function parseIsoDate(value: string, field: string): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const date = new Date(`${value}T00:00:00+08:00`);
  if (!match || Number.isNaN(date.getTime()) || new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value) {
    throw new Error(`${field} must be a date YYYY-MM-DD, got "${value}"`);
  }
  return date;
}

/** '2026-03-05' → '2026年3月5日', the form official documents print. */
export function chineseDate(value: string): string {
  parseIsoDate(value, 'date');
  const [y, m, d] = value.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

const DIGITS = '零一二三四五六七八九';

/** 1 → 一, 12 → 十二, 35 → 三十五: the numbering of reasons in an official letter. */
export function chineseNumeral(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > 99) return String(n);
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  const tensPart = tens === 0 ? '' : `${tens === 1 ? '' : DIGITS[tens]}十`;
  return tensPart + (ones === 0 ? '' : DIGITS[ones]);
}

async function qrSvg(url: string): Promise<string> {
  return QRCode.toString(url, { type: 'svg', margin: 0, errorCorrectionLevel: 'M' });
}

function fmt(n: number): string {
  return Number(n.toFixed(2)).toString();
}

/**
 * SVG of one character drawn as its glyph outline, centred on (x, y), turned by `degrees`, and
 * narrowed to `widthRatio` of its width as seal lettering is.
 */
function glyphPath(char: string, x: number, y: number, degrees: number, size: number, widthRatio = 1): string {
  const font = cjkFontkit('bold');
  const glyph = font.glyphForCodePoint(char.codePointAt(0) ?? 0x3000);
  const scale = size / font.unitsPerEm;
  // CJK glyphs sit on an em box from -0.12 em to 0.88 em; 0.38 em is its vertical middle.
  const middle = 0.38 * font.unitsPerEm;
  const transform = `translate(${fmt(x)} ${fmt(y)}) rotate(${fmt(degrees)}) scale(${fmt(scale * widthRatio)} ${fmt(-scale)}) translate(${fmt(-glyph.advanceWidth / 2)} ${fmt(-middle)})`;
  return `<path transform="${transform}" d="${glyph.path.toSVG()}"/>`;
}

/**
 * A round seal like the ones departments stamp: a ring, the department's name along the upper
 * arc, a star, and a caption. Text is drawn as glyph outlines (vector paths), so the seal needs
 * no font in the SVG and adds nothing to the extracted text of the page.
 */
function sealSvg(departmentName: string, caption: string): string {
  const chars = [...departmentName];
  const radius = 71;
  const narrow = 0.82;
  // Up to 240° of arc, at most 40° between two characters; the size follows the room each gets.
  const step = chars.length > 1 ? Math.min((40 * Math.PI) / 180, (240 * Math.PI) / 180 / (chars.length - 1)) : 0;
  const size = chars.length > 1 ? Math.min(27, (0.85 * radius * step) / narrow) : 27;
  const start = -((chars.length - 1) * step) / 2;
  const name = chars.map((char, i) => {
    const angle = start + i * step;
    return glyphPath(char, 100 + radius * Math.sin(angle), 100 - radius * Math.cos(angle), (angle * 180) / Math.PI, size, narrow);
  });
  const star = Array.from({ length: 10 }, (_, i) => {
    const r = i % 2 === 0 ? 25 : 10;
    const angle = (i * Math.PI) / 5;
    return `${fmt(100 + r * Math.sin(angle))},${fmt(100 - r * Math.cos(angle))}`;
  }).join(' ');
  const captionPaths = [...caption].map((char, i, all) => glyphPath(char, 100 + (i - (all.length - 1) / 2) * 16, 150, 0, 15));
  return [
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 200">',
    `<g opacity="0.88" fill="${SEAL_RED}">`,
    `<circle cx="100" cy="100" r="94" fill="none" stroke="${SEAL_RED}" stroke-width="5"/>`,
    `<polygon points="${star}"/>`,
    ...name,
    ...captionPaths,
    '</g></svg>',
  ].join('');
}

/** A double frame around the page, as printed certificates have. */
function certificateFrame(_page: number, size: { width: number; height: number }): Content {
  return {
    canvas: [
      { type: 'rect', x: 28, y: 28, w: size.width - 56, h: size.height - 56, lineWidth: 2.2, lineColor: FRAME_COLOR },
      { type: 'rect', x: 34, y: 34, w: size.width - 68, h: size.height - 68, lineWidth: 0.6, lineColor: FRAME_COLOR },
    ],
  };
}

function fieldTable(rows: Array<{ label: string; value: string }>): Content {
  return {
    table: {
      widths: [118, '*'],
      body: rows.map((row) => [
        { text: row.label, bold: true, alignment: 'center', fillColor: '#f6f1ea', margin: [4, 5, 4, 5] },
        { text: row.value, margin: [8, 5, 8, 5] },
      ]),
    },
    layout: { hLineWidth: () => 0.7, vLineWidth: () => 0.7, hLineColor: () => '#333333', vLineColor: () => '#333333' },
  };
}

/** QR code and verification code on the left; issuing department, date and seal on the right. */
async function signatureBlock(
  doc: ResultDocumentBase,
  issuer: string,
  sealCaption: string,
): Promise<Content> {
  return {
    unbreakable: true,
    margin: [0, 22, 0, 0],
    columns: [
      {
        width: 150,
        stack: [
          { svg: await qrSvg(doc.verifyUrl), width: 92 },
          { text: `验证码：${doc.verifyCode}`, bold: true, fontSize: 11, margin: [0, 6, 0, 0] },
          { text: '扫码或在核验页面输入验证码核验真伪', fontSize: 8, color: MUTED, margin: [0, 2, 0, 0] },
        ],
      },
      {
        width: '*',
        stack: [
          { text: issuer, alignment: 'right', fontSize: 12, margin: [0, 36, 0, 6] },
          { text: chineseDate(doc.issuedOn), alignment: 'right', fontSize: 12 },
          // Drawn after the text so it lies over the name and date, as a stamped seal does.
          { svg: sealSvg(doc.departmentName, sealCaption), width: 124, relativePosition: { x: 172, y: -92 } },
        ],
      },
    ],
  };
}

function footer(verifyUrl: string): PdfDefinition['footer'] {
  return {
    margin: [72, 0, 72, 0],
    stack: [
      { text: '本文书为电子文书，已加盖 SM2 电子签名（电子印章）。扫描二维码或访问下列地址输入验证码，可核验真伪及是否有效。', fontSize: 7.5, color: MUTED },
      { text: verifyUrl, fontSize: 7.5, color: MUTED },
    ],
  };
}

/** The certificate of an approved case (电子证照 / 批复文件). */
export async function renderCertificatePdf(doc: CertificateDocument): Promise<Buffer> {
  const issuedAt = parseIsoDate(doc.issuedOn, 'issuedOn');
  const validity = doc.validUntil === null ? '长期有效' : `${chineseDate(doc.issuedOn)} 至 ${chineseDate(doc.validUntil)}`;
  const rows = [
    { label: '建设单位', value: doc.holderName },
    { label: '统一社会信用代码', value: doc.holderUscc },
    { label: '项目名称', value: doc.projectName },
    { label: '项目代码', value: doc.projectCode },
    { label: '审批事项', value: doc.matterName },
    ...doc.content,
    { label: '发证日期', value: chineseDate(doc.issuedOn) },
    { label: '有效期限', value: validity },
  ];
  return renderPdf(
    {
      pageSize: 'A4',
      pageMargins: PAGE_MARGINS,
      background: certificateFrame,
      footer: footer(doc.verifyUrl),
      info: { title: `${doc.title} ${doc.number}`, author: doc.departmentName, subject: doc.matterName, creator: 'Tongban 通办', producer: 'Tongban 通办' },
      // Noto Sans SC's own line gap is generous (1.45 em), so no extra leading in the table.
      defaultStyle: { fontSize: 11.5, lineHeight: 1 },
      content: [
        { text: doc.title, fontSize: 28, bold: true, alignment: 'center', characterSpacing: 3, margin: [0, 0, 0, 8] },
        { text: `编号：${doc.number}`, fontSize: 12, alignment: 'center', margin: [0, 0, 0, 18] },
        fieldTable(rows),
        { text: '经审查，上述事项符合法定条件和标准，准予许可，特发此证。', margin: [0, 16, 0, 0], leadingIndent: 23 },
        await signatureBlock(doc, `发证机关：${doc.departmentName}`, '电子证照专用章'),
      ],
    },
    issuedAt,
  );
}

/** The decision letter of a refused case (不予行政许可决定书), with reasons and the applicant's remedies. */
export async function renderDecisionLetterPdf(doc: DecisionLetterDocument): Promise<Buffer> {
  const issuedAt = parseIsoDate(doc.issuedOn, 'issuedOn');
  const paragraph = (text: string): Content => ({ text, leadingIndent: 24, margin: [0, 0, 0, 8] });
  return renderPdf(
    {
      pageSize: 'A4',
      pageMargins: PAGE_MARGINS,
      footer: footer(doc.verifyUrl),
      info: { title: `${DECISION_TITLE} ${doc.number}`, author: doc.departmentName, subject: doc.matterName, creator: 'Tongban 通办', producer: 'Tongban 通办' },
      defaultStyle: { fontSize: 12, lineHeight: 1.45 },
      content: [
        { text: doc.departmentName, fontSize: 24, bold: true, color: SEAL_RED, alignment: 'center', characterSpacing: 2 },
        { canvas: [{ type: 'line', x1: 0, y1: 0, x2: 451, y2: 0, lineWidth: 2, lineColor: SEAL_RED }], margin: [0, 8, 0, 18] },
        { text: DECISION_TITLE, fontSize: 22, bold: true, alignment: 'center', characterSpacing: 2, margin: [0, 0, 0, 6] },
        { text: doc.number, fontSize: 12, alignment: 'center', margin: [0, 0, 0, 20] },
        { text: `${doc.holderName}（统一社会信用代码：${doc.holderUscc}）：`, margin: [0, 0, 0, 8] },
        paragraph(
          `你单位提出的“${doc.projectName}”（项目代码：${doc.projectCode}）${doc.matterName}申请，经本机关依法审查，决定不予许可。理由如下：`,
        ),
        ...doc.reasons.map((reason, i) => paragraph(`${chineseNumeral(i + 1)}、${reason}`)),
        paragraph(doc.remedy),
        await signatureBlock(doc, doc.departmentName, '行政许可专用章'),
      ],
    },
    issuedAt,
  );
}
