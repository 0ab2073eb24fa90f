import type { ApplicationStatus, CaseStatus, ClockView } from '@tongban/contracts';
import { useI18n } from 'vue-i18n';
import { getLocale } from '@/locales';

export type TagType = 'primary' | 'success' | 'warning' | 'danger' | 'info';

export const APPLICATION_STATUSES: ApplicationStatus[] = ['draft', 'received', 'supplement', 'accepted', 'not_accepted', 'refused', 'withdrawn', 'concluded'];

const STATUS_TAG: Record<ApplicationStatus, TagType> = {
  draft: 'info',
  received: 'primary',
  supplement: 'warning',
  accepted: 'primary',
  not_accepted: 'danger',
  refused: 'danger',
  withdrawn: 'info',
  concluded: 'success',
};

const CASE_TAG: Record<CaseStatus, TagType> = {
  waiting: 'info',
  handling: 'primary',
  supplement: 'warning',
  special: 'warning',
  approved: 'success',
  approved_deficiency: 'success',
  refused: 'danger',
  withdrawn: 'info',
};

export const LEVEL_TAG: Record<ClockView['level'], TagType> = { green: 'success', yellow: 'warning', red: 'danger' };

/** Project types 1–10 (PROJECT_TYPES in the contracts, translated). */
export const PROJECT_TYPE_CODES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as const;

/** 52,000 / 1,234.5 in the UI language. */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined) return '';
  return new Intl.NumberFormat(getLocale(), { maximumFractionDigits: 2 }).format(value);
}

/** "2.3 MB" / "512 KB". */
export function fileSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} B`;
}

/** Display labels of application, case, clock and history values in the UI language. */
export function useApplicationLabels() {
  const { t, te } = useI18n();
  const known = (key: string, fallback: string) => (te(key) ? t(key) : fallback);
  return {
    status: (s: string) => (s ? known(`applications.status.${s}`, s) : ''),
    statusTag: (s: string): TagType => STATUS_TAG[s as ApplicationStatus] ?? 'info',
    caseStatus: (s: string) => (s ? known(`applications.caseStatus.${s}`, s) : ''),
    caseTag: (s: string): TagType => CASE_TAG[s as CaseStatus] ?? 'info',
    projectType: (n: number | null | undefined) => (n ? known(`applications.projectTypes.${n}`, String(n)) : ''),
    stage: (n: number | null | undefined, fallback = '') => (n ? known(`applications.stages.${n}`, fallback || String(n)) : ''),
    level: (l: string) => known(`applications.level.${l}`, l),
    event: (type: string) => known(`applications.event.${type}`, type),
    /** "剩余 3 天" / "超期 2 天" in the clock's kind of days. */
    daysLeft: (c: ClockView) =>
      c.daysLeft >= 0
        ? t(`applications.clock.left.${c.limitKind}`, { n: c.daysLeft })
        : t(`applications.clock.overdue.${c.limitKind}`, { n: -c.daysLeft }),
    daysUsed: (c: ClockView) => t(`applications.clock.used.${c.limitKind}`, { n: c.daysUsed, limit: c.limitDays }),
  };
}
