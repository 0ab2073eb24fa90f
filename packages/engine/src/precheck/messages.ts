/**
 * Default messages and fix hints per rule kind, zh-CN and en-US. A rule's own `message` / `fix`
 * replaces them; both use the same placeholders ({label}, {actual}, {problem}, …).
 */
import type { Bilingual, PrecheckRuleKind } from './types.ts';

export interface Texts {
  message: Bilingual;
  fix: Bilingual;
}

const texts = (messageZh: string, messageEn: string, fixZh: string, fixEn: string): Texts => ({ message: { zh: messageZh, en: messageEn }, fix: { zh: fixZh, en: fixEn } });

/** Texts for a rule over a form field. */
const FIELD: Record<Exclude<PrecheckRuleKind, 'document-matches-form' | 'document-readable'>, Texts> = {
  required: texts('请填写「{label}」', '{label} is required', '在表单中填写「{label}」后再提交', 'Fill in {label} before submitting'),
  pattern: texts('「{label}」{actual} 格式不正确：{problem}', '{label} "{actual}" is not in the expected format: {problem}', '请按要求修改「{label}」', 'Correct {label} as described'),
  uscc: texts(
    '「{label}」{actual} 不是有效的统一社会信用代码：{problem}',
    '{label} "{actual}" is not a valid unified social credit code: {problem}',
    '请对照营业执照逐位核对 18 位统一社会信用代码',
    'Compare the 18 characters with the business licence one by one',
  ),
  'resident-id': texts(
    '「{label}」{actual} 不是有效的公民身份号码：{problem}',
    '{label} "{actual}" is not a valid resident ID number: {problem}',
    '请对照身份证逐位核对 18 位公民身份号码（末位可以是 X）',
    'Compare the 18 characters with the ID card one by one (the last one may be X)',
  ),
  date: texts(
    '「{label}」{actual} {problem}',
    '{label} {actual}: {problem}',
    '请核对「{label}」；证件已过期的，请先办理延续或换发后上传有效证件',
    'Check {label}; if a document has expired, renew it first and upload the valid one',
  ),
  range: texts('「{label}」{actual} {problem}', '{label} {actual}: {problem}', '请核对「{label}」的数值和单位', 'Check the value and unit of {label}'),
  'cross-field': texts('「{label}」{actual} 应{problem}', '{label} ({actual}) should be {problem}', '请核对「{label}」和「{otherLabel}」', 'Check {label} and {otherLabel}'),
};

/** The fix when the checked value comes from a document: it is about the upload. */
const DOCUMENT_FIX: Bilingual = {
  zh: '请核对「{material}」（{fileName}）是否为正确、清晰、在有效期内的文件，必要时重新上传',
  en: 'Check that {material} ({fileName}) is the right, legible and valid document; upload it again if needed',
};

const MISSING_FACT = texts(
  '未能从「{material}」中识别出{label}',
  'Could not find the {label} on {material}',
  '请确认上传的「{material}」完整、清晰，包含{label}；也可以继续提交，由窗口人工核对',
  'Make sure the uploaded {material} is complete and legible and shows the {label}; you may also submit and let the clerk check it',
);

const MATCHES = texts(
  '「{material}」上的{label} {actual} 与表单填写的 {expected} 不一致',
  'The {label} on {material} ({actual}) differs from the form ({expected})',
  '请核对表单或上传正确的「{material}」',
  'Correct the form or upload the right {material}',
);

const READABLE = texts(
  '「{material}」（{fileName}）无法自动识别文字：{problem}',
  'The text of {material} ({fileName}) could not be read: {problem}',
  '请上传文字清晰、无遮挡的 PDF 或图片，以便系统预审核对；也可以继续提交，由窗口人工核对',
  'Upload a legible PDF or image so that it can be pre-checked; you may also submit and let the clerk check it',
);

export function defaultTexts(kind: PrecheckRuleKind, onDocument: boolean): Texts {
  switch (kind) {
    case 'document-matches-form':
      return MATCHES;
    case 'document-readable':
      return READABLE;
    case 'required':
      return onDocument ? MISSING_FACT : FIELD.required;
    case 'pattern':
    case 'uscc':
    case 'resident-id':
    case 'date':
    case 'range':
    case 'cross-field':
      return onDocument ? { message: FIELD[kind].message, fix: DOCUMENT_FIX } : FIELD[kind];
  }
}

/** The texts for a fact that a document-matches-form rule could not find (always a warning). */
export const MISSING_FACT_TEXTS = MISSING_FACT;

/** Fills {placeholders}; unknown or absent ones become empty. */
export function render(template: Bilingual, values: Record<'zh' | 'en', Record<string, string | undefined>>): Bilingual {
  const fill = (lang: 'zh' | 'en') => template[lang].replace(/\{(\w+)\}/g, (_m, key: string) => values[lang][key] ?? '').replace(/（）|\(\)/g, '').replace(/\s{2,}/g, ' ').trim();
  return { zh: fill('zh'), en: fill('en') };
}
