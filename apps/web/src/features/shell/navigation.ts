/**
 * What each role sees: the side menu and the home cards come from this one table, so a role's
 * navigation and its home page cannot drift apart. Entries without a route are placeholders for
 * features not built yet ("即将推出").
 */
import type { Role } from '@tongban/contracts';
import {
  AlarmClock,
  Collection,
  DocumentChecked,
  EditPen,
  Finished,
  FolderOpened,
  Location,
  MapLocation,
  Medal,
  OfficeBuilding,
  Postcard,
  Shop,
  Stamp,
  Tickets,
  TrendCharts,
  User,
  Warning,
} from '@element-plus/icons-vue';
import type { Component } from 'vue';
import type { Messages } from '@/locales/zh-CN';

export type FeatureKey = keyof Messages['features'];

export interface FeatureEntry {
  key: FeatureKey;
  icon: Component;
  /** Named route when the feature exists; absent for placeholders. */
  routeName?: string;
}

export const ROLE_FEATURES: Record<Role, FeatureEntry[]> = {
  applicant: [
    { key: 'myProjects', icon: FolderOpened },
    { key: 'apply', icon: EditPen },
    { key: 'approvalMap', icon: MapLocation },
    { key: 'certificates', icon: Postcard },
  ],
  clerk: [
    { key: 'acceptance', icon: Stamp },
    { key: 'supplement', icon: DocumentChecked },
  ],
  reviewer: [
    { key: 'todo', icon: Tickets },
    { key: 'done', icon: Finished },
    { key: 'overdue', icon: AlarmClock },
  ],
  approver: [
    { key: 'todo', icon: Tickets },
    { key: 'done', icon: Finished },
    { key: 'overdue', icon: AlarmClock },
  ],
  supervisor: [
    { key: 'warningBoard', icon: Warning },
    { key: 'analytics', icon: TrendCharts },
    { key: 'credit', icon: Medal },
  ],
  admin: [
    { key: 'users', icon: User, routeName: 'admin-users' },
    { key: 'departments', icon: OfficeBuilding, routeName: 'admin-departments' },
    { key: 'regions', icon: Location, routeName: 'admin-regions' },
    { key: 'catalog', icon: Collection, routeName: 'admin-catalog-matters' },
  ],
  agency: [{ key: 'marketplace', icon: Shop }],
};

/** Menu group title per role: administration for admins, "my work" for everybody else. */
export function menuGroupKey(role: Role): 'menu.admin' | 'menu.workspace' {
  return role === 'admin' ? 'menu.admin' : 'menu.workspace';
}
