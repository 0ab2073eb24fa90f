import type { Kysely } from 'kysely';
import { ErrorCode, isValidUscc, type DepartmentDto, type EnterpriseDto, type Page, type RegionDto } from '@tongban/contracts';
import type { DB, DepartmentRow, EnterpriseRow, RegionRow } from '../../db/schema.ts';
import { inTransaction } from '../../db/transaction.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { Actor, RequestContext } from '../accounts/actor.ts';
import { outOfScope, readableRegions, requireRole } from '../accounts/scope.ts';
import { organizationRepository as repo } from './organization.repository.ts';
import { refreshApplicationSearch } from '../workflow/application-search.ts';

export const toRegionDto = (r: RegionRow): RegionDto => ({ code: r.code, name: r.name, parentCode: r.parent_code, level: r.level });
export const toDepartmentDto = (d: DepartmentRow): DepartmentDto => ({
  id: d.id,
  code: d.code,
  name: d.name,
  nameEn: d.name_en,
  regionCode: d.region_code,
  kind: d.kind,
  createdAt: d.created_at.toISOString(),
  updatedAt: d.updated_at.toISOString(),
});
export const toEnterpriseDto = (e: EnterpriseRow): EnterpriseDto => ({
  id: e.id,
  uscc: e.uscc,
  name: e.name,
  regionCode: e.region_code,
  deficiencyEligible: e.deficiency_eligible,
  createdAt: e.created_at.toISOString(),
});

const REGION = { zh: '行政区划', en: 'Region' };
const DEPARTMENT = { zh: '部门', en: 'Department' };
const ENTERPRISE = { zh: '企业', en: 'Enterprise' };

/** Regions (6-digit tree), departments and enterprises, with their scope rules. */
export class OrganizationService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly audit: AuditService,
  ) {}

  // ---- regions: the tree is public reference data; only admins change it.

  async listRegions(): Promise<RegionDto[]> {
    return (await repo.listRegions(this.db)).map(toRegionDto);
  }

  async createRegion(ctx: RequestContext, input: { code: string; name: string; parentCode: string | null }): Promise<RegionDto> {
    requireRole(ctx.actor!, ['admin']);
    return inTransaction(this.db, async (trx) => {
      if (await repo.findRegion(trx, input.code)) {
        throw new AppError(ErrorCode.ALREADY_EXISTS, { zh: `行政区划代码 ${input.code} 已存在`, en: `Region code ${input.code} exists` });
      }
      let level = 1;
      if (input.parentCode) {
        const parent = await repo.findRegion(trx, input.parentCode);
        if (!parent) throw new AppError(ErrorCode.INVALID_REGION_CODE, { zh: `上级区划 ${input.parentCode} 不存在`, en: `Parent region ${input.parentCode} does not exist` });
        if (parent.level >= 3) throw new AppError(ErrorCode.INVALID_REGION_CODE, { zh: '区县以下不能再设区划', en: 'A district cannot have child regions' });
        // GB/T 2260: a city shares its province's first 2 digits, a district its city's first 4.
        const shared = parent.level * 2;
        if (input.code.slice(0, shared) !== parent.code.slice(0, shared)) {
          throw new AppError(ErrorCode.INVALID_REGION_CODE, {
            zh: `代码 ${input.code} 与上级 ${parent.code} 的前 ${shared} 位不一致`,
            en: `Code ${input.code} must share its first ${shared} digits with parent ${parent.code}`,
          });
        }
        level = parent.level + 1;
      }
      const row = await repo.insertRegion(trx, { code: input.code, name: input.name, parent_code: input.parentCode, level });
      await this.audit.record(trx, ctx, { chainKey: `region:${row.code}`, action: 'region.create', targetType: 'region', targetId: row.code, regionCode: row.code, summary: { after: row } });
      return toRegionDto(row);
    });
  }

  async renameRegion(ctx: RequestContext, code: string, name: string): Promise<RegionDto> {
    requireRole(ctx.actor!, ['admin']);
    return inTransaction(this.db, async (trx) => {
      const before = await repo.findRegion(trx, code);
      if (!before) throw notFound(REGION);
      const after = await repo.updateRegion(trx, code, { name });
      await this.audit.record(trx, ctx, { chainKey: `region:${code}`, action: 'region.update', targetType: 'region', targetId: code, regionCode: code, summary: { before, after } });
      return toRegionDto(after);
    });
  }

  async deleteRegion(ctx: RequestContext, code: string): Promise<void> {
    requireRole(ctx.actor!, ['admin']);
    await inTransaction(this.db, async (trx) => {
      const before = await repo.findRegion(trx, code);
      if (!before) throw notFound(REGION);
      if ((await repo.regionReferences(trx, code)) > 0) {
        throw new AppError(ErrorCode.IN_USE, { zh: '该区划下仍有下级区划、部门、企业或用户', en: 'The region still has child regions, departments, enterprises or users' });
      }
      await repo.deleteRegion(trx, code);
      await this.audit.record(trx, ctx, { chainKey: `region:${code}`, action: 'region.delete', targetType: 'region', targetId: code, regionCode: code, summary: { before } });
    });
  }

  // ---- departments: the directory is readable by every signed-in role; only admins change it.

  async listDepartments(regionCode?: string): Promise<DepartmentDto[]> {
    const codes = regionCode ? await repo.regionSubtree(this.db, regionCode) : null;
    return (await repo.listDepartments(this.db, codes)).map(toDepartmentDto);
  }

  async getDepartment(id: number): Promise<DepartmentDto> {
    const d = await repo.findDepartment(this.db, id);
    if (!d) throw notFound(DEPARTMENT);
    return toDepartmentDto(d);
  }

  async createDepartment(ctx: RequestContext, input: { code: string; name: string; nameEn?: string | null; regionCode: string; kind: 'window' | 'department' }): Promise<DepartmentDto> {
    requireRole(ctx.actor!, ['admin']);
    return inTransaction(this.db, async (trx) => {
      if (!(await repo.findRegion(trx, input.regionCode))) throw new AppError(ErrorCode.INVALID_REGION_CODE);
      if (await repo.findDepartmentByCode(trx, input.code)) {
        throw new AppError(ErrorCode.ALREADY_EXISTS, { zh: `部门编码 ${input.code} 已存在`, en: `Department code ${input.code} exists` });
      }
      const row = await repo.insertDepartment(trx, { code: input.code, name: input.name, name_en: input.nameEn ?? null, region_code: input.regionCode, kind: input.kind });
      await this.audit.record(trx, ctx, { chainKey: `department:${row.id}`, action: 'department.create', targetType: 'department', targetId: row.id, regionCode: row.region_code, summary: { after: row } });
      return toDepartmentDto(row);
    });
  }

  async updateDepartment(ctx: RequestContext, id: number, patch: { name?: string; nameEn?: string | null; regionCode?: string; kind?: 'window' | 'department' }): Promise<DepartmentDto> {
    requireRole(ctx.actor!, ['admin']);
    return inTransaction(this.db, async (trx) => {
      const before = await repo.findDepartment(trx, id);
      if (!before) throw notFound(DEPARTMENT);
      if (patch.regionCode && !(await repo.findRegion(trx, patch.regionCode))) throw new AppError(ErrorCode.INVALID_REGION_CODE);
      const after = await repo.updateDepartment(trx, id, {
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.nameEn !== undefined && { name_en: patch.nameEn }),
        ...(patch.regionCode !== undefined && { region_code: patch.regionCode }),
        ...(patch.kind !== undefined && { kind: patch.kind }),
      });
      await this.audit.record(trx, ctx, { chainKey: `department:${id}`, action: 'department.update', targetType: 'department', targetId: id, regionCode: after.region_code, summary: { before, after } });
      return toDepartmentDto(after);
    });
  }

  async deleteDepartment(ctx: RequestContext, id: number): Promise<void> {
    requireRole(ctx.actor!, ['admin']);
    await inTransaction(this.db, async (trx) => {
      const before = await repo.findDepartment(trx, id);
      if (!before) throw notFound(DEPARTMENT);
      if ((await repo.departmentMembers(trx, id)) > 0) {
        throw new AppError(ErrorCode.IN_USE, { zh: '部门下仍有用户，不能删除', en: 'The department still has users' });
      }
      await repo.deleteDepartment(trx, id);
      await this.audit.record(trx, ctx, { chainKey: `department:${id}`, action: 'department.delete', targetType: 'department', targetId: id, regionCode: before.region_code, summary: { before } });
    });
  }

  // ---- enterprises: an applicant sees its own, a clerk its window's region, a supervisor its region.

  private async enterpriseScope(actor: Actor): Promise<{ ids: number[] | null; regionCodes: string[] | null }> {
    switch (actor.role) {
      case 'admin':
        return { ids: null, regionCodes: null };
      case 'supervisor':
      case 'clerk':
        return { ids: null, regionCodes: await readableRegions(this.db, actor) };
      case 'applicant':
        return { ids: [actor.enterpriseId!], regionCodes: null };
      case 'reviewer':
      case 'approver': {
        // Department staff reach the enterprises whose applications have a case in their department.
        const rows = await this.db
          .selectFrom('application as a')
          .innerJoin('approval_case as c', 'c.application_id', 'a.id')
          .select('a.enterprise_id')
          .distinct()
          .where('c.department_id', '=', actor.departmentId ?? -1)
          .execute();
        return { ids: rows.map((r) => r.enterprise_id), regionCodes: null };
      }
      case 'agency':
        throw new AppError(ErrorCode.FORBIDDEN);
    }
  }

  async listEnterprises(actor: Actor, f: { q?: string; page: number; pageSize: number }): Promise<Page<EnterpriseDto>> {
    const scope = await this.enterpriseScope(actor);
    const [rows, count] = await repo.listEnterprises(this.db, { ...scope, q: f.q, limit: f.pageSize, offset: (f.page - 1) * f.pageSize });
    return { items: rows.map(toEnterpriseDto), total: Number(count.n) };
  }

  async getEnterprise(actor: Actor, id: number): Promise<EnterpriseDto> {
    const e = await repo.findEnterprise(this.db, id);
    if (!e) throw notFound(ENTERPRISE);
    const scope = await this.enterpriseScope(actor).catch(() => {
      throw outOfScope();
    });
    if (scope.ids && !scope.ids.includes(e.id)) throw outOfScope();
    if (scope.regionCodes && !scope.regionCodes.includes(e.region_code)) throw outOfScope();
    return toEnterpriseDto(e);
  }

  async createEnterprise(ctx: RequestContext, input: { uscc: string; name: string; regionCode: string }): Promise<EnterpriseDto> {
    requireRole(ctx.actor!, ['admin']);
    const uscc = input.uscc.toUpperCase();
    if (!isValidUscc(uscc)) {
      throw new AppError(ErrorCode.VALIDATION_FAILED, { zh: '统一社会信用代码校验不通过', en: 'The unified social credit code fails its check' }, [{ path: '/uscc', message: 'check character mismatch' }]);
    }
    return inTransaction(this.db, async (trx) => {
      if (!(await repo.findRegion(trx, input.regionCode))) throw new AppError(ErrorCode.INVALID_REGION_CODE);
      if (await repo.findEnterpriseByUscc(trx, uscc)) throw new AppError(ErrorCode.ALREADY_EXISTS, { zh: '该统一社会信用代码已登记', en: 'This credit code is already registered' });
      const row = await repo.insertEnterprise(trx, { uscc, name: input.name, region_code: input.regionCode });
      await this.audit.record(trx, ctx, { chainKey: `enterprise:${row.id}`, action: 'enterprise.create', targetType: 'enterprise', targetId: row.id, regionCode: row.region_code, summary: { after: row } });
      return toEnterpriseDto(row);
    });
  }

  async updateEnterprise(ctx: RequestContext, id: number, patch: { name?: string; regionCode?: string; deficiencyEligible?: boolean }): Promise<EnterpriseDto> {
    const actor = ctx.actor!;
    requireRole(actor, ['admin', 'applicant']);
    if (actor.role === 'applicant' && actor.enterpriseId !== id) throw outOfScope();
    // Credit standing is the administration's judgement, never the enterprise's own.
    if (actor.role !== 'admin' && patch.deficiencyEligible !== undefined) throw new AppError(ErrorCode.FORBIDDEN);
    return inTransaction(this.db, async (trx) => {
      const before = await repo.findEnterprise(trx, id);
      if (!before) throw notFound(ENTERPRISE);
      if (patch.regionCode && !(await repo.findRegion(trx, patch.regionCode))) throw new AppError(ErrorCode.INVALID_REGION_CODE);
      const after = await repo.updateEnterprise(trx, id, {
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.regionCode !== undefined && { region_code: patch.regionCode }),
        ...(patch.deficiencyEligible !== undefined && { deficiency_eligible: patch.deficiencyEligible }),
      });
      // Applications are found by their enterprise's name (the inbox and application lists).
      if (after.name !== before.name) await refreshApplicationSearch(trx, { enterpriseId: id });
      await this.audit.record(trx, ctx, { chainKey: `enterprise:${id}`, action: 'enterprise.update', targetType: 'enterprise', targetId: id, regionCode: after.region_code, summary: { before, after } });
      return toEnterpriseDto(after);
    });
  }
}
