import type { SpecialProcedure } from './tasks.api';

/** The case-page actions that open the action dialog (the others run straight away or have their own). */
export type ActionKind = 'complete' | 'return' | 'transfer' | 'delegate' | 'addSigner' | 'specialStart' | 'specialEnd';

/** What the action dialog collects; each action reads the parts it needs. */
export interface ActionPayload {
  decision: 'approve' | 'refuse';
  text: string;
  toStep: string;
  userId: number | null;
  procedure: SpecialProcedure | '';
}
