import type { RegionDto } from '@tongban/contracts';
import { http } from '@/api/http';

export interface CreateRegionBody {
  /** Six-digit administrative division code, e.g. 320500. */
  code: string;
  name: string;
  parentCode: string | null;
}

export const regionsApi = {
  /** GET /regions → { items } as a flat list with parentCode; the tree is built client-side. */
  list: () => http.get<{ items: RegionDto[] }>('/regions'),
  create: (body: CreateRegionBody) => http.post<RegionDto>('/regions', body, { silent: true }),
  rename: (code: string, name: string) => http.patch<RegionDto>(`/regions/${code}`, { name }, { silent: true }),
  remove: (code: string) => http.delete(`/regions/${code}`),
};
