import type { EnterpriseDto, Page } from '@tongban/contracts';
import { http } from '@/api/http';

export const enterprisesApi = {
  /** GET /enterprises?page=&pageSize=&q= → Page<EnterpriseDto>. */
  list: (query: { page?: number; pageSize?: number; q?: string } = {}) =>
    http.get<Page<EnterpriseDto>>('/enterprises', { query }),
};
