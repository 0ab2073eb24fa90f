import { useI18n } from 'vue-i18n';

const LIMIT_KINDS = ['working', 'calendar'] as const;

/** Display helpers for catalog values (time limits, enum labels) shared by the guide and the admin pages. */
export function useCatalogLabels() {
  const { t, te } = useI18n();
  const kindOf = (kind: string | null | undefined) => ((LIMIT_KINDS as readonly string[]).includes(kind ?? '') ? kind! : 'working');
  return {
    /** "5 个工作日" / "7 calendar days". */
    days: (n: number | null | undefined, kind: string | null | undefined) =>
      n == null ? t('common.none') : t(`catalogEnum.days.${kindOf(kind)}`, { n }),
    /** Enum label with the raw value as fallback. */
    enumLabel: (group: 'form' | 'necessity' | 'reuse' | 'resultType' | 'procedure' | 'fieldType' | 'limitKind', value: string | null | undefined) => {
      if (!value) return t('common.none');
      const key = `catalogEnum.${group}.${value}`;
      return te(key) ? t(key) : value;
    },
  };
}

export const MATERIAL_FORMS = ['original', 'copy', 'original_and_copy', 'electronic'] as const;
export const NECESSITIES = ['required', 'conditional', 'optional'] as const;
export const REUSES = ['none', 'material_library', 'certificate_library'] as const;
export const RESULT_TYPES = ['licence', 'approval', 'opinion', 'filing', 'certificate'] as const;
export const PROCEDURE_KINDS = ['expert_review', 'hearing', 'site_inspection', 'public_notice', 'testing'] as const;
export const FIELD_TYPES = ['text', 'number', 'date', 'boolean', 'choice'] as const;
export const QUESTION_TYPES = ['boolean', 'choice', 'number'] as const;
export const FILE_TYPES = ['pdf', 'ofd', 'jpg', 'png', 'dwg', 'doc', 'docx', 'xls', 'xlsx', 'zip'] as const;
export const CODE_PATTERN = /^[A-Za-z0-9_-]{2,40}$/;
export const KEY_PATTERN = /^[A-Za-z][A-Za-z0-9_]{0,39}$/;
