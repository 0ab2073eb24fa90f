/** Date helpers of the calendar page; dates are local YYYY-MM-DD strings, computed in UTC. */

export type DayKind = 'workday' | 'weekend' | 'holiday' | 'makeup';

export const isoDate = (y: number, m: number, d: number) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

export function isWeekend(date: string): boolean {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day === 0 || day === 6;
}

/** Holiday = a weekday off (休); make-up = a weekend working day (班). */
export function classifyDay(date: string, workday: boolean): DayKind {
  const weekend = isWeekend(date);
  if (weekend) return workday ? 'makeup' : 'weekend';
  return workday ? 'workday' : 'holiday';
}

/** Every date from `from` to `to` inclusive. */
export function datesBetween(from: string, to: string): string[] {
  const out: string[] = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= end && out.length < 400; t += 86_400_000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}
