/**
 * UI language: zh-CN by default, en-US on request; the choice is kept in localStorage and drives
 * vue-i18n, Element Plus' own texts, <html lang> and the Accept-Language of every API call.
 */
import { computed, ref } from 'vue';
import { createI18n } from 'vue-i18n';
import elEn from 'element-plus/es/locale/lang/en.mjs';
import elZhCn from 'element-plus/es/locale/lang/zh-cn.mjs';
import enUS from './en-US';
import zhCN, { type Messages } from './zh-CN';

export const LOCALES = ['zh-CN', 'en-US'] as const;
export type AppLocale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: AppLocale = 'zh-CN';
export const LOCALE_STORAGE_KEY = 'tb_locale';

function isAppLocale(value: unknown): value is AppLocale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

function storedLocale(): AppLocale {
  try {
    const value = localStorage.getItem(LOCALE_STORAGE_KEY);
    return isAppLocale(value) ? value : DEFAULT_LOCALE;
  } catch {
    // Storage can be unavailable (private mode, blocked cookies): fall back to the default.
    return DEFAULT_LOCALE;
  }
}

const current = ref<AppLocale>(storedLocale());

export const i18n = createI18n<[Messages], AppLocale, false>({
  legacy: false,
  locale: current.value,
  fallbackLocale: DEFAULT_LOCALE,
  messages: { 'zh-CN': zhCN, 'en-US': enUS },
  missingWarn: import.meta.env.DEV,
  fallbackWarn: import.meta.env.DEV,
});

export function getLocale(): AppLocale {
  return current.value;
}

export const currentLocale = computed(() => current.value);

/** Element Plus' locale object for <el-config-provider>. */
export const elementLocale = computed(() => (current.value === 'en-US' ? elEn : elZhCn));

function applyToDocument(locale: AppLocale): void {
  if (typeof document !== 'undefined') document.documentElement.lang = locale;
}

export function setLocale(locale: AppLocale): void {
  current.value = locale;
  i18n.global.locale.value = locale;
  applyToDocument(locale);
  try {
    localStorage.setItem(LOCALE_STORAGE_KEY, locale);
  } catch {
    // Not remembered when storage is unavailable; the switch still applies to this page.
  }
}

export function toggleLocale(): void {
  setLocale(current.value === 'zh-CN' ? 'en-US' : 'zh-CN');
}

applyToDocument(current.value);
