/**
 * The one place that sets up pdfmake for server-side PDFs with Chinese text. Every PDF of the
 * platform goes through {@link renderPdf}, so pdfmake's process-wide settings (fonts, resource
 * policies) are made once, here.
 *
 * Font: Noto Sans SC (OFL) from the npm package `@expo-google-fonts/noto-sans-sc`, so no system
 * font is needed. The 10 MB TTF files are read once and handed to pdfmake through its in-memory
 * file system; pdfkit embeds a subset (only the glyphs used) in each PDF.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import pdfMake from 'pdfmake';

const require = createRequire(import.meta.url);

/** A pdfmake document definition (the type package does not export its name from the entry point). */
export type PdfDefinition = Parameters<typeof pdfMake.createPdf>[0];

/** Font family name to use in document definitions. */
export const CJK_FONT = 'NotoSansSC';

export type FontWeight = 'regular' | 'bold';

const FONT_MODULES: Record<FontWeight, string> = {
  regular: '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf',
  bold: '@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf',
};

/** Names of the fonts inside pdfmake's virtual file system. */
const VFS_NAMES: Record<FontWeight, string> = { regular: 'NotoSansSC-Regular.ttf', bold: 'NotoSansSC-Bold.ttf' };

const fontBytes = new Map<FontWeight, Buffer>();

function memo<K, V>(cache: Map<K, V>, key: K, make: () => V): V {
  let value = cache.get(key);
  if (value === undefined) {
    value = make();
    cache.set(key, value);
  }
  return value;
}

/** Absolute path of a font file, resolved through the package so no machine path is written down. */
export function cjkFontPath(weight: FontWeight): string {
  return require.resolve(FONT_MODULES[weight]);
}

/** The TTF bytes of a weight, read from disk on first use only. */
export function cjkFontBytes(weight: FontWeight): Buffer {
  return memo(fontBytes, weight, () => readFileSync(cjkFontPath(weight)));
}

/** The parts of a fontkit font this code uses (fontkit ships no types). */
export interface FontkitGlyph {
  id: number;
  advanceWidth: number;
  path: { commands: unknown[]; toSVG(): string };
}
export interface FontkitFont {
  unitsPerEm: number;
  numGlyphs: number;
  glyphForCodePoint(codePoint: number): FontkitGlyph;
  getGlyph(id: number): FontkitGlyph;
}

/**
 * Parses a TrueType font with fontkit, the font engine pdfkit embeds with (resolved through
 * pdfmake → pdfkit, so it is the very same copy).
 */
export function parseFont(bytes: Buffer): FontkitFont {
  const fromPdfkit = createRequire(createRequire(require.resolve('pdfmake')).resolve('pdfkit'));
  // fontkit has no type declarations; for a TTF `create` returns the font described by FontkitFont.
  const fontkit = fromPdfkit('fontkit') as { create(buffer: Buffer): FontkitFont };
  return fontkit.create(bytes);
}

const fontkitFonts = new Map<FontWeight, FontkitFont>();

/** A weight of the CJK font parsed by fontkit: for glyph checks and for drawing text as vector paths. */
export function cjkFontkit(weight: FontWeight): FontkitFont {
  return memo(fontkitFonts, weight, () => parseFont(cjkFontBytes(weight)));
}

/** pdfmake's in-memory file system; present on the Node build although its type declarations omit it. */
interface VirtualFs {
  writeFileSync(name: string, content: Buffer): void;
}

let configured = false;

function configure(): void {
  if (configured) return;
  const vfs = (pdfMake as unknown as { virtualfs: VirtualFs }).virtualfs;
  vfs.writeFileSync(VFS_NAMES.regular, cjkFontBytes('regular'));
  vfs.writeFileSync(VFS_NAMES.bold, cjkFontBytes('bold'));
  pdfMake.addFonts({
    [CJK_FONT]: { normal: VFS_NAMES.regular, bold: VFS_NAMES.bold, italics: VFS_NAMES.regular, bolditalics: VFS_NAMES.bold },
  });
  // Documents carry user-supplied text only: images come as data URLs and SVG strings, fonts from
  // the virtual file system, so pdfmake may neither fetch URLs nor read local files.
  pdfMake.setUrlAccessPolicy(() => false);
  pdfMake.setLocalAccessPolicy(() => false);
  configured = true;
}

/**
 * Renders a document definition to PDF bytes. `createdAt` becomes the creation and modification
 * date (and, through pdfkit, the file id), so the same definition and date give the same bytes.
 */
export async function renderPdf(definition: PdfDefinition, createdAt: Date): Promise<Buffer> {
  configure();
  return pdfMake
    .createPdf({
      // 1.4 at least: the seal is drawn with transparency.
      version: '1.7',
      ...definition,
      info: { ...definition.info, creationDate: createdAt, modDate: createdAt },
      defaultStyle: { font: CJK_FONT, ...definition.defaultStyle },
    })
    .getBuffer();
}
