import { sql, type Kysely } from 'kysely';
import { ErrorCode, isValidUscc, parseProjectCode, type EnterpriseRegistration, type ProjectCreate, type ProjectUpdate, type ProjectView } from '@tongban/contracts';
import type { DB, ProjectRow } from '../../db/schema.ts';
import { inTransaction, type Executor } from '../../db/transaction.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import type { Clock } from '../../lib/clock.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { Actor, RequestContext } from '../accounts/actor.ts';
import { assertStrongPassword, hashPassword } from '../accounts/passwords.ts';
import { outOfScope, readableRegions, requireRole } from '../accounts/scope.ts';
import { organizationRepository as orgRepo } from '../organization/organization.repository.ts';
import { refreshApplicationSearch } from './application-search.ts';

const PROJECT = { zh: '项目', en: 'Project' };

/** Enterprise self-registration and the projects (项目) of enterprises. */
export class ProjectsService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  /**
   * 企业注册: a new enterprise (USCC checked to GB 32100-2015) and its first applicant account,
   * in one transaction. An already registered USCC is refused; its existing applicants add
   * colleagues through the admin.
   */
  async register(ctx: RequestContext, input: EnterpriseRegistration) {
    if (!isValidUscc(input.uscc)) {
      throw new AppError(ErrorCode.VALIDATION_FAILED, { zh: '统一社会信用代码校验位不正确', en: 'The unified social credit code fails its check character' }, [{ path: '/uscc', message: input.uscc }]);
    }
    assertStrongPassword(input.password);
    if (!(await orgRepo.findRegion(this.db, input.regionCode))) throw new AppError(ErrorCode.INVALID_REGION_CODE);
    const passwordHash = await hashPassword(input.password);
    return inTransaction(this.db, async (trx) => {
      if (await orgRepo.findEnterpriseByUscc(trx, input.uscc)) throw new AppError(ErrorCode.ALREADY_EXISTS, { zh: '该统一社会信用代码已注册', en: 'This credit code is already registered' });
      if (await trx.selectFrom('app_user').select('id').where('username', '=', input.username).executeTakeFirst()) throw new AppError(ErrorCode.ALREADY_EXISTS, { zh: '用户名已被使用', en: 'The username is taken' });
      const e = await orgRepo.insertEnterprise(trx, { uscc: input.uscc, name: input.enterpriseName, region_code: input.regionCode });
      const u = await trx
        .insertInto('app_user')
        .values({ username: input.username, display_name: input.displayName, password_hash: passwordHash, role: 'applicant', enterprise_id: e.id, phone: input.phone ?? null })
        .returning(['id', 'username'])
        .executeTakeFirstOrThrow();
      const selfCtx = { ...ctx, actor: ctx.actor ?? null };
      await this.audit.record(trx, selfCtx, { chainKey: `enterprise:${e.id}`, action: 'enterprise.register', targetType: 'enterprise', targetId: e.id, regionCode: e.region_code, summary: { uscc: e.uscc, name: e.name, username: u.username } });
      return { enterpriseId: e.id, userId: u.id, username: u.username };
    });
  }

  private async scopeFilter(db: Executor, actor: Actor) {
    switch (actor.role) {
      case 'admin':
        return null;
      case 'applicant':
        return sql<boolean>`p.enterprise_id = ${actor.enterpriseId ?? -1}`;
      case 'clerk':
      case 'supervisor': {
        const regions = (await readableRegions(db, actor)) ?? [];
        return regions.length ? sql<boolean>`p.region_code IN (${sql.join(regions)})` : sql<boolean>`false`;
      }
      case 'reviewer':
      case 'approver':
        return sql<boolean>`EXISTS (SELECT 1 FROM application a JOIN approval_case c ON c.application_id = a.id WHERE a.project_id = p.id AND c.department_id = ${actor.departmentId ?? -1})`;
      case 'agency':
        return sql<boolean>`false`;
    }
  }

  async list(actor: Actor, f: { q?: string; page: number; pageSize: number }): Promise<{ items: ProjectView[]; total: number }> {
    const scope = await this.scopeFilter(this.db, actor);
    let q = this.db.selectFrom('project as p').innerJoin('enterprise as e', 'e.id', 'p.enterprise_id').innerJoin('region as r', 'r.code', 'p.region_code');
    if (scope) q = q.where(scope);
    if (f.q) q = q.where((eb) => eb.or([eb('p.name', 'like', `%${f.q}%`), eb('p.code', '=', f.q!)]));
    const total = Number((await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const rows = await q
      .selectAll('p')
      .select(['e.name as enterprise_name', 'r.name as region_name'])
      .select(sql<number>`(SELECT count(*) FROM application a WHERE a.project_id = p.id)`.as('applications'))
      .orderBy('p.id', 'desc')
      .limit(f.pageSize)
      .offset((f.page - 1) * f.pageSize)
      .execute();
    return { items: rows.map(toView), total };
  }

  async get(actor: Actor, id: number): Promise<ProjectView> {
    const scope = await this.scopeFilter(this.db, actor);
    let q = this.db.selectFrom('project as p').innerJoin('enterprise as e', 'e.id', 'p.enterprise_id').innerJoin('region as r', 'r.code', 'p.region_code').where('p.id', '=', id);
    const exists = await this.db.selectFrom('project').select('id').where('id', '=', id).executeTakeFirst();
    if (!exists) throw notFound(PROJECT);
    if (scope) q = q.where(scope);
    const row = await q
      .selectAll('p')
      .select(['e.name as enterprise_name', 'r.name as region_name'])
      .select(sql<number>`(SELECT count(*) FROM application a WHERE a.project_id = p.id)`.as('applications'))
      .executeTakeFirst();
    if (!row) throw outOfScope();
    return toView(row);
  }

  private async checkCode(code: string): Promise<string> {
    const parsed = parseProjectCode(code, Number(this.clock.now().toISOString().slice(0, 4)));
    if (!parsed.ok) throw new AppError(ErrorCode.VALIDATION_FAILED, { zh: parsed.zh, en: parsed.en }, [{ path: '/code', message: parsed.zh }]);
    if (!(await orgRepo.findRegion(this.db, parsed.regionCode))) {
      throw new AppError(ErrorCode.VALIDATION_FAILED, { zh: `项目代码中的行政区划 ${parsed.regionCode} 不存在`, en: `Region ${parsed.regionCode} in the project code does not exist` }, [{ path: '/code', message: parsed.regionCode }]);
    }
    return parsed.regionCode;
  }

  async create(ctx: RequestContext, input: ProjectCreate): Promise<ProjectView> {
    const actor = ctx.actor!;
    requireRole(actor, ['applicant', 'admin']);
    const enterpriseId = actor.role === 'applicant' ? actor.enterpriseId! : input.enterpriseId;
    if (actor.role === 'applicant' && input.enterpriseId !== undefined && input.enterpriseId !== actor.enterpriseId) throw outOfScope();
    if (!enterpriseId) throw new AppError(ErrorCode.VALIDATION_FAILED, { zh: '请指定建设单位', en: 'enterpriseId is required' }, [{ path: '/enterpriseId', message: 'required' }]);
    if (!(await orgRepo.findEnterprise(this.db, enterpriseId))) throw notFound({ zh: '企业', en: 'Enterprise' });
    const regionCode = await this.checkCode(input.code);
    const id = await inTransaction(this.db, async (trx) => {
      if (await trx.selectFrom('project').select('id').where('code', '=', input.code).executeTakeFirst()) throw new AppError(ErrorCode.ALREADY_EXISTS, { zh: '该项目代码已登记', en: 'This project code is already registered' });
      const p = await trx
        .insertInto('project')
        .values({ code: input.code, enterprise_id: enterpriseId, name: input.name, project_type: input.projectType, region_code: regionCode, investment: input.investment, land_area: input.landArea, floor_area: input.floorArea, location: input.location, created_by: actor.userId, created_at: this.clock.now(), updated_at: this.clock.now() })
        .returning('id')
        .executeTakeFirstOrThrow();
      await this.audit.record(trx, ctx, { chainKey: `project:${p.id}`, action: 'project.create', targetType: 'project', targetId: p.id, regionCode, summary: { code: input.code, name: input.name, projectType: input.projectType } });
      return p.id;
    });
    return this.get(actor, id);
  }

  async update(ctx: RequestContext, id: number, input: ProjectUpdate): Promise<ProjectView> {
    const actor = ctx.actor!;
    requireRole(actor, ['applicant', 'admin']);
    await inTransaction(this.db, async (trx) => {
      const p: ProjectRow | undefined = await trx.selectFrom('project').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
      if (!p) throw notFound(PROJECT);
      if (actor.role === 'applicant' && p.enterprise_id !== actor.enterpriseId) throw outOfScope();
      if (p.version !== input.version) throw new AppError(ErrorCode.CONFLICT);
      const { version: _v, ...fields } = input;
      await trx
        .updateTable('project')
        .set({ name: fields.name, project_type: fields.projectType, investment: fields.investment, land_area: fields.landArea, floor_area: fields.floorArea, location: fields.location, version: p.version + 1, updated_at: this.clock.now() })
        .where('id', '=', id)
        .execute();
      if (fields.name !== p.name) await refreshApplicationSearch(trx, { projectId: id });
      await this.audit.record(trx, ctx, { chainKey: `project:${id}`, action: 'project.update', targetType: 'project', targetId: id, regionCode: p.region_code, summary: { ...fields } });
    });
    return this.get(actor, id);
  }
}

function toView(r: ProjectRow & { enterprise_name: string; region_name: string; applications: number | string }): ProjectView {
  return {
    id: r.id,
    code: r.code,
    enterpriseId: r.enterprise_id,
    enterpriseName: r.enterprise_name,
    name: r.name,
    projectType: r.project_type,
    regionCode: r.region_code,
    regionName: r.region_name,
    investment: r.investment,
    landArea: r.land_area,
    floorArea: r.floor_area,
    location: r.location,
    version: r.version,
    applications: Number(r.applications),
    createdAt: r.created_at.toISOString(),
  };
}
