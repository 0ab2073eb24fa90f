import type { CalendarYearInput, CalendarYearView } from '@tongban/contracts';
import { http } from '@/api/http';

export interface CalendarDay {
  date: string;
  workday: boolean;
  official: boolean;
}

/** The official working-day calendar: years from the package or entered by an admin. */
export const calendarApi = {
  years: () => http.get<{ items: CalendarYearView[] }>('/calendar/years'),
  /** At most 400 days per call. */
  days: (from: string, to: string) => http.get<{ items: CalendarDay[] }>('/calendar/days', { query: { from, to } }),
  save: (year: number, body: CalendarYearInput) => http.put<CalendarYearView>(`/calendar/years/${year}`, body, { silent: true }),
  remove: (year: number) => http.delete(`/calendar/years/${year}`),
};
