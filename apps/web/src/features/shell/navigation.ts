/**
 * What each role sees: the side menu and the home cards come from this one table, so a role's
 * navigation and its home page cannot drift apart. Entries without a route are placeholders for
 * features not built yet ("即将推出").
 */
import type { Role } from '@tongban/contracts';
import {
  AlarmClock,
  Calendar,
  Collection,
  Document,
  DocumentChecked,
  EditPen,
  Files,
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
    { key: 'myProjects', icon: FolderOpened, routeName: 'projects' },
    { key: 'apply', icon: EditPen, routeName: 'apply' },
    { key: 'myApplications', icon: Document, routeName: 'applications' },
    { key: 'library', icon: Files, routeName: 'library' },
    { key: 'certificates', icon: Postcard, routeName: 'certificates' },
    { key: 'approvalMap', icon: MapLocation },
  ],
  clerk: [
    { key: 'acceptance', icon: Stamp, routeName: 'window-acceptance' },
    { key: 'supplement', icon: DocumentChecked, routeName: 'window-supplement' },
    { key: 'issuedCertificates', icon: Postcard, routeName: 'certificates' },
  ],
  reviewer: [
    { key: 'todo', icon: Tickets, routeName: 'tasks' },
    { key: 'done', icon: Finished, routeName: 'tasks-done' },
    { key: 'overdue', icon: AlarmClock, routeName: 'tasks-overdue' },
    { key: 'issuedCertificates', icon: Postcard, routeName: 'certificates' },
  ],
  approver: [
    { key: 'todo', icon: Tickets, routeName: 'tasks' },
    { key: 'done', icon: Finished, routeName: 'tasks-done' },
    { key: 'overdue', icon: AlarmClock, routeName: 'tasks-overdue' },
    { key: 'issuedCertificates', icon: Postcard, routeName: 'certificates' },
  ],
  supervisor: [
    { key: 'warningBoard', icon: Warning, routeName: 'supervision' },
    { key: 'issuedCertificates', icon: Postcard, routeName: 'certificates' },
    { key: 'analytics', icon: TrendCharts },
    { key: 'credit', icon: Medal },
  ],
  admin: [
    { key: 'users', icon: User, routeName: 'admin-users' },
    { key: 'departments', icon: OfficeBuilding, routeName: 'admin-departments' },
    { key: 'regions', icon: Location, routeName: 'admin-regions' },
    { key: 'catalog', icon: Collection, routeName: 'admin-catalog-matters' },
    { key: 'calendar', icon: Calendar, routeName: 'admin-calendar' },
    { key: 'warningBoard', icon: Warning, routeName: 'supervision' },
    { key: 'issuedCertificates', icon: Postcard, routeName: 'certificates' },
  ],
  agency: [{ key: 'marketplace', icon: Shop }],
};

/** Menu group title per role: administration for admins, "my work" for everybody else. */
export function menuGroupKey(role: Role): 'menu.admin' | 'menu.workspace' {
  return role === 'admin' ? 'menu.admin' : 'menu.workspace';
}
