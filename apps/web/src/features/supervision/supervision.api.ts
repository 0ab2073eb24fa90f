import type { SupervisionBoard } from '@tongban/contracts';
import { http } from '@/api/http';

export interface BoardQuery {
  level?: 'yellow' | 'red' | '';
  departmentId?: number | null;
  page: number;
  pageSize: number;
}

export const supervisionApi = {
  board: (query: BoardQuery) => http.get<SupervisionBoard>('/supervision/clock', { query: { ...query } }),
};
