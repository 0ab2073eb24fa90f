/**
 * Differences between two versions of a matter or a process, for the compare view: changed
 * scalar fields side by side, and per list (materials, form fields, questions, stage matters) the
 * entries added, removed and changed.
 */
export interface FieldChange {
  label: string;
  before: string;
  after: string;
}

export interface ListDiff {
  label: string;
  added: string[];
  removed: string[];
  changed: { name: string; changes: FieldChange[] }[];
}

export interface VersionDiff {
  fields: FieldChange[];
  lists: ListDiff[];
}

export type Formatter = (value: unknown) => string;

/**
 * The compare view's formatter: yes / no for booleans, "none" for empty values, lists joined with
 * commas, objects as JSON. `t` is vue-i18n's.
 */
export function diffFormatter(t: (key: string) => string): Formatter {
  return (v) => {
    if (v === true) return t('common.yes');
    if (v === false) return t('common.no');
    if (v === null || v === undefined || v === '') return t('common.none');
    if (Array.isArray(v)) return v.map((i) => (typeof i === 'object' ? JSON.stringify(i) : String(i))).join(', ');
    if (typeof v === 'object') return JSON.stringify(v);
    return String(v);
  };
}

export type FieldSpec<T> = { key: keyof T & string; label: string };

export function diffFields<T extends object>(a: T, b: T, specs: FieldSpec<T>[], fmt: Formatter): FieldChange[] {
  const out: FieldChange[] = [];
  for (const s of specs) {
    const before = fmt(a[s.key]);
    const after = fmt(b[s.key]);
    if (before !== after) out.push({ label: s.label, before, after });
  }
  return out;
}

export function diffList<T extends object>(
  label: string,
  a: T[],
  b: T[],
  keyOf: (item: T) => string,
  nameOf: (item: T) => string,
  specs: FieldSpec<T>[],
  fmt: Formatter,
): ListDiff {
  const before = new Map(a.map((i) => [keyOf(i), i]));
  const after = new Map(b.map((i) => [keyOf(i), i]));
  const result: ListDiff = { label, added: [], removed: [], changed: [] };
  for (const [k, item] of after) if (!before.has(k)) result.added.push(nameOf(item));
  for (const [k, item] of before) {
    const next = after.get(k);
    if (!next) {
      result.removed.push(nameOf(item));
      continue;
    }
    const changes = diffFields(item, next, specs, fmt);
    if (changes.length) result.changed.push({ name: nameOf(next), changes });
  }
  return result;
}

export function isEmptyDiff(d: VersionDiff): boolean {
  return d.fields.length === 0 && d.lists.every((l) => !l.added.length && !l.removed.length && !l.changed.length);
}
