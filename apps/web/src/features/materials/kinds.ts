import { MATERIAL_CODE_PATTERN } from '@tongban/contracts';
import { useI18n } from 'vue-i18n';

/** Material codes the library offers to pick from (an admin may define others on a requirement). */
export const KNOWN_KINDS = ['business-licence', 'land-certificate', 'land-planning-permit', 'planning-permit', 'drawing-review-cert', 'bid-award', 'construction-contract', 'other'] as const;

const CODE = new RegExp(MATERIAL_CODE_PATTERN);
export const isMaterialKind = (kind: string) => kind === 'other' || CODE.test(kind);

/** The label of a library kind: known codes are translated, others shown as they are. */
export function useKindLabel(): (kind: string) => string {
  const { t, te } = useI18n();
  return (kind: string) => (te(`library.kinds.${kind}`) ? t(`library.kinds.${kind}`) : kind);
}
