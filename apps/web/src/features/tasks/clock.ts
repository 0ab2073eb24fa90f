import { useI18n } from 'vue-i18n';

export type ClockLevel = 'green' | 'yellow' | 'red' | 'none';
export type LimitKind = 'working' | 'calendar';

/** Element Plus tag type per clock level: green success, yellow warning, red danger. */
export function levelTagType(level: ClockLevel | null | undefined): 'success' | 'warning' | 'danger' | 'info' {
  return level === 'green' ? 'success' : level === 'yellow' ? 'warning' : level === 'red' ? 'danger' : 'info';
}

/** Texts of a clock reading shared by the inbox, the case page and the supervision board. */
export function useClockLabels() {
  const { t } = useI18n();
  return {
    levelLabel: (level: ClockLevel | null | undefined) => t(`clock.level.${level ?? 'none'}`),
    /** "剩 3 个工作日", "今日到期", "超期 2 个工作日". */
    daysText: (level: ClockLevel | null | undefined, daysLeft: number | null | undefined, kind: LimitKind = 'working') => {
      if (daysLeft === null || daysLeft === undefined) return t('common.none');
      if (daysLeft < 0) return t(`clock.daysOver.${kind}`, { n: -daysLeft });
      // Past the due date but no working day lost yet (e.g. a weekend after a Friday due date).
      if (level === 'red') return t('clock.overdue');
      if (daysLeft === 0) return t('clock.dueToday');
      return t(`clock.daysLeft.${kind}`, { n: daysLeft });
    },
    units: (n: number, kind: LimitKind = 'working') => t(`clock.units.${kind}`, { n }),
  };
}

/** A case status is paused while the department waits for supplements or a special procedure. */
export const isPausedStatus = (status: string | null | undefined) => status === 'supplement' || status === 'special';

/** Tag type of a case status. */
export function caseStatusTagType(status: string): 'primary' | 'success' | 'warning' | 'danger' | 'info' {
  switch (status) {
    case 'handling':
      return 'primary';
    case 'approved':
    case 'approved_deficiency':
      return 'success';
    case 'supplement':
    case 'special':
      return 'warning';
    case 'refused':
      return 'danger';
    default:
      return 'info';
  }
}
