/** Response shapes shared by the server's route schemas and the web client. */
import type { Role } from './roles.ts';

export interface RegionDto {
  code: string;
  name: string;
  parentCode: string | null;
  /** 1 province, 2 city, 3 district (or functional zone). */
  level: number;
}

export interface DepartmentDto {
  id: number;
  code: string;
  name: string;
  nameEn: string | null;
  regionCode: string;
  /** `window` is the comprehensive window (行政审批局); others are approving departments. */
  kind: 'window' | 'department';
  createdAt: string;
  updatedAt: string;
}

export interface EnterpriseDto {
  id: number;
  uscc: string;
  name: string;
  regionCode: string;
  /** Good credit: may be accepted with deficiency (容缺受理). */
  deficiencyEligible: boolean;
  createdAt: string;
}

export interface UserDto {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  enterpriseId: number | null;
  departmentId: number | null;
  regionCode: string | null;
  email: string | null;
  phone: string | null;
  disabled: boolean;
  lockedUntil: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface MeDto {
  user: UserDto;
  enterprise: { id: number; name: string } | null;
  department: { id: number; name: string } | null;
  region: { code: string; name: string } | null;
  csrfToken: string | null;
}

export interface Page<T> {
  items: T[];
  total: number;
}

export interface AuditVerifyDto {
  ok: boolean;
  checked: number;
  firstBrokenId: number | null;
  reason: string | null;
}
