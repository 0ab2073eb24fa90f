import type { DepartmentDto } from '@tongban/contracts';
import { http } from '@/api/http';

export type DepartmentKind = DepartmentDto['kind'];

export interface CreateDepartmentBody {
  code: string;
  name: string;
  nameEn?: string;
  regionCode: string;
  kind: DepartmentKind;
}

export interface UpdateDepartmentBody {
  name?: string;
  nameEn?: string | null;
  regionCode?: string;
  kind?: DepartmentKind;
}

export const departmentsApi = {
  /** GET /departments → { items } (no paging: a city has dozens, not thousands). */
  list: () => http.get<{ items: DepartmentDto[] }>('/departments'),
  create: (body: CreateDepartmentBody) => http.post<DepartmentDto>('/departments', body, { silent: true }),
  update: (id: number, body: UpdateDepartmentBody) =>
    http.patch<DepartmentDto>(`/departments/${id}`, body, { silent: true }),
  /** 409 IN_USE when users or cases still refer to it; the helper shows the server's message. */
  remove: (id: number) => http.delete(`/departments/${id}`),
};
