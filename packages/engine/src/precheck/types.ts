/**
 * Pre-check (智能预审) rules as data: what an admin attaches to a matter and to its material
 * requirements, checked over an application's unified form and the facts read from its uploaded
 * documents before a clerk ever sees it. Rules are plain JSON (validated by
 * `validatePrecheckRules`); evaluation is pure (`runPrecheck`), with "today" given by the caller.
 */

/** 'error' blocks submission; 'warning' informs the applicant and the clerk. */
export type PrecheckSeverity = 'error' | 'warning';

export interface Bilingual {
  zh: string;
  en: string;
}

/**
 * What a rule looks at: a unified-form field by its key, or a fact read from a document uploaded
 * for a material requirement (e.g. `{ material: 'business-licence', fact: 'uscc' }`). Fact keys
 * are those of `readFacts` (see FACT_LABELS) or any key the server's extraction adds.
 */
export type ValueRef = { field: string } | { material: string; fact: string };

/**
 * A date limit: a fixed day, or an offset from the evaluation day (`{ today: 0 }` is today,
 * `{ today: 3, unit: 'month' }` three months from today; a day missing in the target month is the
 * month's last day).
 */
export type DateBound = { date: string } | { today: number; unit?: 'day' | 'month' | 'year' };

export type PrecheckCompareOp = 'eq' | 'lt' | 'le' | 'gt' | 'ge';
/** How two values are compared: text after normalisation (全角/半角, spaces, case), numbers, dates. */
export type CompareAs = 'text' | 'number' | 'date';

interface RuleBase {
  /** Unique in a rule set, `^[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}$`; names the rule in reports. */
  id: string;
  severity: PrecheckSeverity;
  /**
   * Overrides the kind's default message. Placeholders: {label} {otherLabel} {material}
   * {fileName} {actual} {expected} {problem} {today}.
   */
  message?: Bilingual;
  /** Overrides the kind's default hint on how to fix it; same placeholders. */
  fix?: Bilingual;
  /** Name of the checked value in messages; otherwise the context's labels, the fact's label or the key. */
  label?: Bilingual;
}

/** The value is present: a form field not null/blank, or a fact found on a readable document. */
export interface RequiredRule extends RuleBase {
  kind: 'required';
  target: ValueRef;
}

/** The whole value matches a regular expression (anchored; flags 'i' and 'u' only). */
export interface PatternRule extends RuleBase {
  kind: 'pattern';
  target: ValueRef;
  pattern: string;
  flags?: string;
  /** What the pattern means, for the applicant: "6 位数字的邮政编码". */
  description: Bilingual;
}

/** A unified social credit code with a valid GB 32100-2015 check character. */
export interface UsccRule extends RuleBase {
  kind: 'uscc';
  target: ValueRef;
}

/** A resident ID number (GB 11643-1999): region, birth date, ISO 7064 MOD 11-2 check character. */
export interface ResidentIdRule extends RuleBase {
  kind: 'resident-id';
  target: ValueRef;
}

/** A real calendar date, optionally within bounds (inclusive). "Not expired": notBefore { today: 0 }. */
export interface DateRule extends RuleBase {
  kind: 'date';
  target: ValueRef;
  notBefore?: DateBound;
  notAfter?: DateBound;
}

/** A number within [min, max] (inclusive; at least one given). */
export interface RangeRule extends RuleBase {
  kind: 'range';
  target: ValueRef;
  min?: number;
  max?: number;
}

/** `left op right`, e.g. start date le end date, building footprint le site area. */
export interface CrossFieldRule extends RuleBase {
  kind: 'cross-field';
  left: ValueRef;
  op: PrecheckCompareOp;
  right: ValueRef;
  as: CompareAs;
  /** Name of the right-hand value in messages. */
  otherLabel?: Bilingual;
}

/** A fact read from each readable document of a material equals the form value (after normalisation). */
export interface DocumentMatchesFormRule extends RuleBase {
  kind: 'document-matches-form';
  material: string;
  fact: string;
  field: string;
  as?: CompareAs;
}

/** Flags each document of the material whose text could not be read (so nothing on it was checked). */
export interface DocumentReadableRule extends RuleBase {
  kind: 'document-readable';
  material: string;
}

export type PrecheckRule =
  | RequiredRule
  | PatternRule
  | UsccRule
  | ResidentIdRule
  | DateRule
  | RangeRule
  | CrossFieldRule
  | DocumentMatchesFormRule
  | DocumentReadableRule;

export type PrecheckRuleKind = PrecheckRule['kind'];

export type FormValue = string | number | boolean | null;

export type ExtractionStatus = 'read' | 'unreadable' | 'not-attempted';

export interface PrecheckDocument {
  /** The material requirement the file was uploaded for. */
  materialCode: string;
  fileName: string;
  extraction: { status: ExtractionStatus; reason?: string; text?: string; facts: Record<string, string> };
}

export interface PrecheckInput {
  form: Record<string, FormValue | undefined>;
  documents: readonly PrecheckDocument[];
}

export interface PrecheckContext {
  /** The evaluation day, 'YYYY-MM-DD' in the region's time zone. */
  today: string;
  /** Names for messages, typically from the catalog: form field labels and material requirement names. */
  labels?: { fields?: Record<string, Bilingual | string>; materials?: Record<string, Bilingual | string> };
}

export interface PrecheckItem {
  ruleId: string;
  kind: PrecheckRuleKind;
  severity: PrecheckSeverity;
  field?: string;
  materialCode?: string;
  fileName?: string;
  fact?: string;
  message: Bilingual;
  fix: Bilingual;
  /** What was expected (the form value, a bound, the right-hand value). Resident ID numbers are masked. */
  expected?: string;
  /** What was found. Resident ID numbers are masked. */
  actual?: string;
}

export interface PrecheckReport {
  /** No item of severity 'error'. */
  ok: boolean;
  /** Errors first, then warnings; within each, in rule order, then document order. */
  items: PrecheckItem[];
  /** How many checks ran to a verdict (a rule over several documents counts once per document). */
  checked: number;
}
