import type { Kysely } from 'kysely';
import { ErrorCode, type CalendarYearInput, type CalendarYearView, type ClockView } from '@tongban/contracts';
import { WorkingCalendar, addCalendarDays, readClock, validateOfficialYear, type ClockPause, type OfficialYear } from '@tongban/engine';
import type { DB } from '../../db/schema.ts';
import { inTransaction, type Executor, type Tx } from '../../db/transaction.ts';
import { AppError } from '../../lib/errors.ts';
import type { Clock } from '../../lib/clock.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { RequestContext } from '../accounts/actor.ts';
import { requireRole } from '../accounts/scope.ts';

/** How long a process trusts its cached calendar before re-reading the admin years. */
const CACHE_MS = 30_000;

export interface ClockFacts {
  startedAt: Date | string | null;
  limitDays: number;
  legalLimitDays: number;
  limitKind: 'working' | 'calendar';
  pauses: ClockPause[];
  concludedAt: Date | string | null;
}

const iso = (d: Date | string) => (typeof d === 'string' ? d : d.toISOString());

/**
 * The official working-day calendar: `chinese-days` for the years it covers, overridden by the
 * years an admin entered from the State Council's notice (calendar_year). Readings of a case
 * clock go through here so every screen and the warning job agree.
 */
export class CalendarService {
  #cached: { calendar: WorkingCalendar; at: number } | null = null;
  /** Recomputes stored due dates after the calendar changed, inside the change's transaction. */
  onChange: ((trx: Tx, calendar: WorkingCalendar) => Promise<number>) | null = null;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    readonly warnDays: number,
  ) {}

  async calendar(): Promise<WorkingCalendar> {
    const now = Date.now();
    if (this.#cached && now - this.#cached.at < CACHE_MS) return this.#cached.calendar;
    const calendar = await this.load(this.db);
    this.#cached = { calendar, at: now };
    return calendar;
  }

  private async load(db: Executor): Promise<WorkingCalendar> {
    const rows = await db.selectFrom('calendar_year').selectAll().execute();
    return new WorkingCalendar(rows.map((r) => ({ year: r.year, holidays: r.holidays, workdays: r.workdays })));
  }

  private async changed(trx: Tx, ctx: RequestContext, year: number): Promise<void> {
    const moved = this.onChange ? await this.onChange(trx, await this.load(trx)) : 0;
    await this.audit.record(trx, ctx, { chainKey: `calendar:${year}`, action: 'calendar.recompute_clocks', targetType: 'calendar_year', targetId: year, summary: { runningCases: moved } });
  }

  invalidate(): void {
    this.#cached = null;
  }

  /** The reading of a clock now (or when it stopped), or null for a clock that has not started. */
  read(calendar: WorkingCalendar, f: ClockFacts, asOf: Date = this.clock.now()): ClockView | null {
    if (!f.startedAt) return null;
    const base = { startedAt: iso(f.startedAt), limitKind: f.limitKind, pauses: f.pauses, warnDays: this.warnDays, asOf: asOf.toISOString(), stoppedAt: f.concludedAt ? iso(f.concludedAt) : null };
    const r = readClock(calendar, { ...base, limitDays: f.limitDays });
    const legal = readClock(calendar, { ...base, limitDays: f.legalLimitDays });
    return { ...r, limitDays: f.limitDays, limitKind: f.limitKind, legalDueDate: legal.dueDate };
  }

  async listYears(): Promise<CalendarYearView[]> {
    const calendar = await this.calendar();
    const rows = new Map((await this.db.selectFrom('calendar_year').selectAll().execute()).map((r) => [r.year, r]));
    const thisYear = Number(this.clock.now().toISOString().slice(0, 4));
    const years = new Set<number>([thisYear - 1, thisYear, thisYear + 1, ...rows.keys()]);
    return [...years]
      .sort((a, b) => a - b)
      .map((year) => {
        const row = rows.get(year);
        if (row) {
          return { year, source: 'admin' as const, official: true, holidays: row.holidays, workdays: row.workdays, notice: row.notice, version: row.version, updatedAt: row.updated_at.toISOString() };
        }
        const official = calendar.isOfficial(year);
        const days = official ? this.packageDays(calendar, year) : { holidays: [], workdays: [] };
        return { year, source: official ? ('package' as const) : ('none' as const), official, ...days, notice: null, version: null, updatedAt: null };
      });
  }

  /** The off weekdays and working weekend days of a year, as the calendar sees them. */
  private packageDays(calendar: WorkingCalendar, year: number): { holidays: string[]; workdays: string[] } {
    const holidays: string[] = [];
    const workdays: string[] = [];
    for (let d = `${year}-01-01`; d.startsWith(String(year)); d = addCalendarDays(d, 1)) {
      const weekend = [0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay());
      const work = calendar.isWorkday(d);
      if (!weekend && !work) holidays.push(d);
      if (weekend && work) workdays.push(d);
    }
    return { holidays, workdays };
  }

  days(calendar: WorkingCalendar, from: string, to: string) {
    const out: Array<{ date: string; workday: boolean; official: boolean }> = [];
    for (let d = from; d <= to && out.length < 400; d = addCalendarDays(d, 1)) {
      out.push({ date: d, workday: calendar.isWorkday(d), official: calendar.isOfficial(Number(d.slice(0, 4))) });
    }
    return out;
  }

  /** Enters (or corrects) a year's official notice; it overrides the package for that year. */
  async saveYear(ctx: RequestContext, year: number, input: CalendarYearInput): Promise<CalendarYearView> {
    requireRole(ctx.actor!, ['admin']);
    const checked = validateOfficialYear({ year, holidays: input.holidays, workdays: input.workdays });
    if (!checked.ok) throw new AppError(ErrorCode.VALIDATION_FAILED, undefined, checked.problems);
    const y: OfficialYear = checked.value;
    await inTransaction(this.db, async (trx) => {
      const existing = await trx.selectFrom('calendar_year').selectAll().where('year', '=', year).forUpdate().executeTakeFirst();
      if (existing && input.version !== undefined && input.version !== existing.version) throw new AppError(ErrorCode.CONFLICT);
      const values = { holidays: JSON.stringify(y.holidays), workdays: JSON.stringify(y.workdays), notice: input.notice, updated_by: ctx.actor!.userId, updated_at: this.clock.now() };
      if (existing) await trx.updateTable('calendar_year').set({ ...values, version: existing.version + 1 }).where('year', '=', year).execute();
      else await trx.insertInto('calendar_year').values({ year, ...values }).execute();
      await this.audit.record(trx, ctx, {
        chainKey: `calendar:${year}`,
        action: existing ? 'calendar.update' : 'calendar.create',
        targetType: 'calendar_year',
        targetId: year,
        summary: { holidays: y.holidays.length, workdays: y.workdays.length, notice: input.notice },
      });
      await this.changed(trx, ctx, year);
    });
    this.invalidate();
    return (await this.listYears()).find((v) => v.year === year)!;
  }

  async deleteYear(ctx: RequestContext, year: number): Promise<void> {
    requireRole(ctx.actor!, ['admin']);
    await inTransaction(this.db, async (trx) => {
      const gone = await trx.deleteFrom('calendar_year').where('year', '=', year).executeTakeFirst();
      if (!gone.numDeletedRows) throw new AppError(ErrorCode.NOT_FOUND);
      await this.audit.record(trx, ctx, { chainKey: `calendar:${year}`, action: 'calendar.delete', targetType: 'calendar_year', targetId: year, summary: {} });
      await this.changed(trx, ctx, year);
    });
    this.invalidate();
  }
}
