import type { NotificationView } from '@tongban/contracts';
import { http } from '@/api/http';

export interface NotificationPage {
  items: NotificationView[];
  total: number;
  unread: number;
}

export const notificationsApi = {
  /** Silent: a polling failure (network blip) must not pop an error message every minute. */
  list: (query: { unread?: boolean; page?: number; pageSize?: number }) => http.get<NotificationPage>('/notifications', { query: { ...query }, silent: true }),
  markRead: (id: number) => http.post<void>(`/notifications/${id}/read`, undefined, { silent: true }),
};
