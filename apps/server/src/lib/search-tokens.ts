/**
 * Chinese full-text search without a segmenter: text is indexed as CJK unigrams and bigrams plus
 * lower-cased Latin words and numbers (the CJK analyzer approach), stored in a text[] column with a
 * GIN index. A query matches when the document holds every bigram of the query (every unigram for
 * one-character queries), so 施工许可 finds 建筑工程施工许可证核发. Works the same on PGlite and
 * PostgreSQL; no extension needed.
 */
const CJK = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;
const RUN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[A-Za-z0-9]+/g;

export function indexTokens(...texts: Array<string | null | undefined>): string[] {
  const out = new Set<string>();
  for (const text of texts) {
    for (const run of (text ?? '').match(RUN) ?? []) {
      if (!CJK.test(run[0]!)) {
        out.add(run.toLowerCase());
        continue;
      }
      const chars = Array.from(run);
      for (let i = 0; i < chars.length; i++) {
        out.add(chars[i]!);
        if (i + 1 < chars.length) out.add(chars[i]! + chars[i + 1]!);
      }
    }
  }
  return [...out];
}

/** The tokens a document must hold to match `query`; empty when the query has nothing searchable. */
export function queryTokens(query: string): string[] {
  const out = new Set<string>();
  for (const run of query.match(RUN) ?? []) {
    if (!CJK.test(run[0]!)) {
      out.add(run.toLowerCase());
      continue;
    }
    const chars = Array.from(run);
    if (chars.length === 1) out.add(chars[0]!);
    for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i]! + chars[i + 1]!);
  }
  return [...out].slice(0, 32);
}
