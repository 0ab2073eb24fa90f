/** Reordering and removing rows of the editable tables (in place, so reactive arrays update). */
export function moveItem<T>(list: T[], index: number, delta: -1 | 1): void {
  const to = index + delta;
  if (to < 0 || to >= list.length) return;
  const [item] = list.splice(index, 1);
  list.splice(to, 0, item as T);
}

export function removeItem<T>(list: T[], index: number): void {
  list.splice(index, 1);
}

/** "a=报告书, b=报告表" ⇄ [{ value: 'a', label: '报告书' }, …] */
export function formatOptions(options: { value: string; label: string }[] | undefined): string {
  return (options ?? []).map((o) => `${o.value}=${o.label}`).join(', ');
}

export function parseOptions(text: string): { value: string; label: string }[] {
  return text
    .split(/[,，\n]/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const i = s.indexOf('=');
      return i < 0 ? { value: s, label: s } : { value: s.slice(0, i).trim(), label: s.slice(i + 1).trim() || s.slice(0, i).trim() };
    });
}
