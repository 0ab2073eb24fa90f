import type { Kysely } from 'kysely';
import { ErrorCode, ROLE_BINDING, type MeDto, type Page, type Role, type UserDto } from '@tongban/contracts';
import type { DB, UserRow, UserUpdate } from '../../db/schema.ts';
import { inTransaction, type Executor } from '../../db/transaction.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import type { AuditService } from '../audit/audit.service.ts';
import { organizationRepository as orgRepo } from '../organization/organization.repository.ts';
import type { Actor, RequestContext } from './actor.ts';
import { accountsRepository as repo } from './accounts.repository.ts';
import { assertStrongPassword, hashPassword } from './passwords.ts';
import { outOfScope, readableRegions, requireRole } from './scope.ts';

export function toUserDto(u: UserRow): UserDto {
  return {
    id: u.id,
    username: u.username,
    displayName: u.display_name,
    role: u.role,
    enterpriseId: u.enterprise_id,
    departmentId: u.department_id,
    regionCode: u.region_code,
    email: u.email,
    phone: u.phone,
    disabled: u.disabled,
    lockedUntil: u.locked_until ? u.locked_until.toISOString() : null,
    createdAt: u.created_at.toISOString(),
    updatedAt: u.updated_at.toISOString(),
  };
}

/** What the audit trail keeps of an account: never the password hash. */
function auditView(u: UserRow) {
  const { password_hash: _hash, ...rest } = u;
  return rest;
}

export interface UserInput {
  username: string;
  displayName: string;
  password: string;
  role: Role;
  enterpriseId?: number | null;
  departmentId?: number | null;
  regionCode?: string | null;
  email?: string | null;
  phone?: string | null;
}

export type UserPatch = Partial<Omit<UserInput, 'username'>> & { disabled?: boolean };

export class UsersService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly audit: AuditService,
  ) {}

  async me(actor: Actor, csrfToken: string | null): Promise<MeDto> {
    const user = await repo.findUser(this.db, actor.userId);
    if (!user) throw new AppError(ErrorCode.UNAUTHENTICATED);
    const [ent, dept, region] = await Promise.all([
      user.enterprise_id ? orgRepo.findEnterprise(this.db, user.enterprise_id) : undefined,
      user.department_id ? orgRepo.findDepartment(this.db, user.department_id) : undefined,
      user.region_code ? orgRepo.findRegion(this.db, user.region_code) : undefined,
    ]);
    return {
      user: toUserDto(user),
      enterprise: ent ? { id: ent.id, name: ent.name } : null,
      department: dept ? { id: dept.id, name: dept.name } : null,
      region: region ? { code: region.code, name: region.name } : null,
      csrfToken,
    };
  }

  /**
   * Lists the accounts the actor may see: everything for an admin, the region subtree for a
   * supervisor, the own department for window, reviewer and approver staff, the own enterprise
   * for an applicant, and only itself for an agency.
   */
  async list(actor: Actor, f: { role?: string; q?: string; departmentId?: number; enterpriseId?: number; page: number; pageSize: number }): Promise<Page<UserDto>> {
    const filter = {
      departmentIds: f.departmentId ? [f.departmentId] : null,
      enterpriseIds: f.enterpriseId ? [f.enterpriseId] : null,
      userIds: null as number[] | null,
      regionCodes: null as string[] | null,
      role: f.role,
      q: f.q,
      limit: f.pageSize,
      offset: (f.page - 1) * f.pageSize,
    };
    switch (actor.role) {
      case 'admin':
        break;
      case 'supervisor':
        filter.regionCodes = await readableRegions(this.db, actor);
        break;
      case 'clerk':
      case 'reviewer':
      case 'approver':
        if (f.departmentId && f.departmentId !== actor.departmentId) throw outOfScope();
        if (f.enterpriseId) throw outOfScope();
        filter.departmentIds = [actor.departmentId!];
        break;
      case 'applicant':
        if (f.enterpriseId && f.enterpriseId !== actor.enterpriseId) throw outOfScope();
        if (f.departmentId) throw outOfScope();
        filter.enterpriseIds = [actor.enterpriseId!];
        break;
      case 'agency':
        filter.userIds = [actor.userId];
        break;
    }
    const [rows, count] = await repo.listUsers(this.db, filter);
    return { items: rows.map(toUserDto), total: Number(count.n) };
  }

  async get(actor: Actor, id: number): Promise<UserDto> {
    const user = await repo.findUser(this.db, id);
    if (!user) throw notFound({ zh: '用户', en: 'User' });
    if (!(await this.canSee(this.db, actor, user))) throw outOfScope();
    return toUserDto(user);
  }

  private async canSee(db: Executor, actor: Actor, u: UserRow): Promise<boolean> {
    switch (actor.role) {
      case 'admin':
        return true;
      case 'supervisor': {
        const regions = (await readableRegions(db, actor)) ?? [];
        const codes = [u.region_code];
        if (u.department_id) codes.push((await orgRepo.findDepartment(db, u.department_id))?.region_code ?? null);
        if (u.enterprise_id) codes.push((await orgRepo.findEnterprise(db, u.enterprise_id))?.region_code ?? null);
        return codes.some((c) => c !== null && regions.includes(c));
      }
      case 'clerk':
      case 'reviewer':
      case 'approver':
        return u.department_id === actor.departmentId;
      case 'applicant':
        return u.enterprise_id === actor.enterpriseId;
      case 'agency':
        return u.id === actor.userId;
    }
  }

  /** Checks that an account's binding fits its role and exists. */
  private async checkBinding(db: Executor, role: Role, b: { enterpriseId: number | null; departmentId: number | null; regionCode: string | null }) {
    const need = ROLE_BINDING[role];
    const has = { enterprise: b.enterpriseId !== null, department: b.departmentId !== null, region: b.regionCode !== null };
    const expected = { enterprise: need === 'enterprise', department: need === 'department', region: need === 'region' };
    if (has.enterprise !== expected.enterprise || has.department !== expected.department || has.region !== expected.region) {
      const what = { enterprise: '所属企业 / enterprise', department: '所属部门 / department', region: '所辖地区 / region', none: '无 / none' }[need];
      throw new AppError(ErrorCode.INVALID_ROLE_BINDING, {
        zh: `角色 ${role} 必须且只能绑定：${what.split(' / ')[0]}`,
        en: `Role ${role} must be bound to exactly: ${what.split(' / ')[1]}`,
      });
    }
    if (b.enterpriseId !== null && !(await orgRepo.findEnterprise(db, b.enterpriseId))) throw notFound({ zh: '企业', en: 'Enterprise' });
    if (b.departmentId !== null && !(await orgRepo.findDepartment(db, b.departmentId))) throw notFound({ zh: '部门', en: 'Department' });
    if (b.regionCode !== null && !(await orgRepo.findRegion(db, b.regionCode))) throw new AppError(ErrorCode.INVALID_REGION_CODE);
  }

  async create(ctx: RequestContext, input: UserInput): Promise<UserDto> {
    requireRole(ctx.actor!, ['admin']);
    assertStrongPassword(input.password);
    const binding = { enterpriseId: input.enterpriseId ?? null, departmentId: input.departmentId ?? null, regionCode: input.regionCode ?? null };
    const passwordHash = await hashPassword(input.password);
    return inTransaction(this.db, async (trx) => {
      await this.checkBinding(trx, input.role, binding);
      if (await repo.findUserByUsername(trx, input.username)) {
        throw new AppError(ErrorCode.ALREADY_EXISTS, { zh: `用户名 ${input.username} 已被使用`, en: `Username ${input.username} is taken` });
      }
      const user = await repo.insertUser(trx, {
        username: input.username,
        display_name: input.displayName,
        password_hash: passwordHash,
        role: input.role,
        enterprise_id: binding.enterpriseId,
        department_id: binding.departmentId,
        region_code: binding.regionCode,
        email: input.email ?? null,
        phone: input.phone ?? null,
      });
      await this.audit.record(trx, ctx, {
        chainKey: `user:${user.id}`,
        action: 'user.create',
        targetType: 'user',
        targetId: user.id,
        regionCode: await this.regionOf(trx, user),
        summary: { after: auditView(user) },
      });
      return toUserDto(user);
    });
  }

  async update(ctx: RequestContext, id: number, patch: UserPatch): Promise<UserDto> {
    requireRole(ctx.actor!, ['admin']);
    if (patch.password !== undefined) assertStrongPassword(patch.password);
    const passwordHash = patch.password !== undefined ? await hashPassword(patch.password) : undefined;
    return inTransaction(this.db, async (trx) => {
      const before = await repo.findUser(trx, id);
      if (!before) throw notFound({ zh: '用户', en: 'User' });
      if (before.id === ctx.actor!.userId && (patch.disabled === true || (patch.role && patch.role !== 'admin'))) {
        throw new AppError(ErrorCode.VALIDATION_FAILED, { zh: '不能停用自己或取消自己的管理员角色', en: 'You cannot disable yourself or drop your own admin role' });
      }
      const role = patch.role ?? before.role;
      const roleChanged = role !== before.role;
      // Changing the role resets the binding to what the patch gives; otherwise keep the old one.
      const binding = {
        enterpriseId: patch.enterpriseId !== undefined ? patch.enterpriseId : roleChanged ? null : before.enterprise_id,
        departmentId: patch.departmentId !== undefined ? patch.departmentId : roleChanged ? null : before.department_id,
        regionCode: patch.regionCode !== undefined ? patch.regionCode : roleChanged ? null : before.region_code,
      };
      await this.checkBinding(trx, role, binding);
      const update: UserUpdate = {
        role,
        enterprise_id: binding.enterpriseId,
        department_id: binding.departmentId,
        region_code: binding.regionCode,
      };
      if (patch.displayName !== undefined) update.display_name = patch.displayName;
      if (patch.email !== undefined) update.email = patch.email;
      if (patch.phone !== undefined) update.phone = patch.phone;
      if (patch.disabled !== undefined) update.disabled = patch.disabled;
      if (passwordHash) update.password_hash = passwordHash;
      const after = await repo.updateUser(trx, id, update);
      // A new password, a disabled account or a changed scope ends the account's sessions.
      if (passwordHash || patch.disabled || roleChanged || binding.departmentId !== before.department_id || binding.enterpriseId !== before.enterprise_id || binding.regionCode !== before.region_code) {
        await repo.deleteSessionsOfUser(trx, id);
      }
      await this.audit.record(trx, ctx, {
        chainKey: `user:${id}`,
        action: 'user.update',
        targetType: 'user',
        targetId: id,
        regionCode: await this.regionOf(trx, after),
        summary: { before: auditView(before), after: auditView(after), passwordChanged: Boolean(passwordHash) },
      });
      return toUserDto(after);
    });
  }

  async unlock(ctx: RequestContext, id: number): Promise<UserDto> {
    requireRole(ctx.actor!, ['admin']);
    return inTransaction(this.db, async (trx) => {
      const before = await repo.findUser(trx, id);
      if (!before) throw notFound({ zh: '用户', en: 'User' });
      const after = await repo.updateUser(trx, id, { locked_until: null, failed_logins: 0 });
      await this.audit.record(trx, ctx, {
        chainKey: `user:${id}`,
        action: 'user.unlock',
        targetType: 'user',
        targetId: id,
        regionCode: await this.regionOf(trx, after),
        summary: { before: { lockedUntil: before.locked_until, failedLogins: before.failed_logins }, after: { lockedUntil: null, failedLogins: 0 } },
      });
      return toUserDto(after);
    });
  }

  /** The region an account belongs to, for region-scoped audit reading. */
  async regionOf(db: Executor, u: UserRow): Promise<string | null> {
    if (u.region_code) return u.region_code;
    if (u.department_id) return (await orgRepo.findDepartment(db, u.department_id))?.region_code ?? null;
    if (u.enterprise_id) return (await orgRepo.findEnterprise(db, u.enterprise_id))?.region_code ?? null;
    return null;
  }
}
