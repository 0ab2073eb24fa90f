import { usccCheckChar, type Role } from '@tongban/contracts';
import type { Kysely } from 'kysely';
import type { DB } from '../schema.ts';
import { inTransaction } from '../transaction.ts';
import type { AuditService } from '../../modules/audit/audit.service.ts';
import type { RequestContext } from '../../modules/accounts/actor.ts';
import { accountsRepository } from '../../modules/accounts/accounts.repository.ts';
import { organizationRepository as orgRepo } from '../../modules/organization/organization.repository.ts';
import { hashPassword } from '../../modules/accounts/passwords.ts';

/** The demo world of PRODUCT.md §5: 苏州市 with its districts, departments and one account per role. */
export const DEMO_REGIONS = [
  { code: '320000', name: '江苏省', parent_code: null, level: 1 },
  { code: '320500', name: '苏州市', parent_code: '320000', level: 2 },
  { code: '320508', name: '姑苏区', parent_code: '320500', level: 3 },
  { code: '320571', name: '苏州工业园区', parent_code: '320500', level: 3 },
  { code: '320200', name: '无锡市', parent_code: '320000', level: 2 },
  { code: '320213', name: '梁溪区', parent_code: '320200', level: 3 },
];

export const DEMO_DEPARTMENTS: Array<{ code: string; name: string; name_en: string; region_code: string; kind: 'window' | 'department' }> = [
  { code: 'SZ-XZSPJ', name: '苏州市行政审批局', name_en: 'Suzhou Administrative Approval Bureau', region_code: '320500', kind: 'window' },
  { code: 'SZ-FGW', name: '苏州市发展和改革委员会', name_en: 'Suzhou Development and Reform Commission', region_code: '320500', kind: 'department' },
  { code: 'SZ-ZRZY', name: '苏州市自然资源和规划局', name_en: 'Suzhou Natural Resources and Planning Bureau', region_code: '320500', kind: 'department' },
  { code: 'SZ-ZJJ', name: '苏州市住房和城乡建设局', name_en: 'Suzhou Housing and Urban-Rural Development Bureau', region_code: '320500', kind: 'department' },
  { code: 'SZ-STHJ', name: '苏州市生态环境局', name_en: 'Suzhou Ecology and Environment Bureau', region_code: '320500', kind: 'department' },
  { code: 'SZ-RFB', name: '苏州市人民防空办公室', name_en: 'Suzhou Civil Air Defence Office', region_code: '320500', kind: 'department' },
  { code: 'SZ-SWJ', name: '苏州市水务局', name_en: 'Suzhou Water Affairs Bureau', region_code: '320500', kind: 'department' },
  { code: 'SZ-CGJ', name: '苏州市城市管理局', name_en: 'Suzhou Urban Management Bureau', region_code: '320500', kind: 'department' },
  { code: 'SZ-DAG', name: '苏州市档案馆', name_en: 'Suzhou Archives', region_code: '320500', kind: 'department' },
  { code: 'WX-XZSPJ', name: '无锡市行政审批局', name_en: 'Wuxi Administrative Approval Bureau', region_code: '320200', kind: 'window' },
];

const uscc = (first17: string) => first17 + usccCheckChar(first17);
/** The first enterprise has a good credit record: eligible for acceptance with deficiency (容缺受理). */
export const DEMO_ENTERPRISES = [
  { uscc: uscc('91320508MA1PDEM00'), name: '苏州示范置业有限公司', region_code: '320508', deficiency_eligible: true },
  { uscc: uscc('91320594MA1NANWC0'), name: '苏州工业园区纳米新材料有限公司', region_code: '320571' },
  { uscc: uscc('91320213MA1LXJ8F0'), name: '无锡梁溪建设发展有限公司', region_code: '320213' },
];

export interface DemoAccount {
  username: string;
  displayName: string;
  role: Role;
  enterpriseUscc?: string;
  departmentCode?: string;
  regionCode?: string;
}

export const DEMO_ACCOUNTS: DemoAccount[] = [
  { username: 'admin', displayName: '系统管理员', role: 'admin' },
  { username: 'applicant', displayName: '张建设（苏州示范置业）', role: 'applicant', enterpriseUscc: DEMO_ENTERPRISES[0]!.uscc },
  { username: 'applicant2', displayName: '李园区（纳米新材料）', role: 'applicant', enterpriseUscc: DEMO_ENTERPRISES[1]!.uscc },
  { username: 'clerk', displayName: '王窗口（市行政审批局）', role: 'clerk', departmentCode: 'SZ-XZSPJ' },
  { username: 'reviewer', displayName: '赵审核（市住建局）', role: 'reviewer', departmentCode: 'SZ-ZJJ' },
  { username: 'approver', displayName: '钱签发（市住建局）', role: 'approver', departmentCode: 'SZ-ZJJ' },
  { username: 'reviewer.zrzy', displayName: '孙规划（市自然资源和规划局）', role: 'reviewer', departmentCode: 'SZ-ZRZY' },
  { username: 'reviewer2', displayName: '冯复核（市住建局）', role: 'reviewer', departmentCode: 'SZ-ZJJ' },
  { username: 'approver.zrzy', displayName: '陈签发（市自然资源和规划局）', role: 'approver', departmentCode: 'SZ-ZRZY' },
  ...(
    [
      ['fgw', 'SZ-FGW', '市发改委'],
      ['sthj', 'SZ-STHJ', '市生态环境局'],
      ['rfb', 'SZ-RFB', '市人防办'],
      ['swj', 'SZ-SWJ', '市水务局'],
      ['cgj', 'SZ-CGJ', '市城管局'],
      ['dag', 'SZ-DAG', '市档案馆'],
    ] as const
  ).flatMap(([key, code, name]): DemoAccount[] => [
    { username: `reviewer.${key}`, displayName: `审核员（${name}）`, role: 'reviewer', departmentCode: code },
    { username: `approver.${key}`, displayName: `签发人（${name}）`, role: 'approver', departmentCode: code },
  ]),
  { username: 'supervisor', displayName: '周监察（苏州市）', role: 'supervisor', regionCode: '320500' },
  { username: 'supervisor.gusu', displayName: '吴监察（姑苏区）', role: 'supervisor', regionCode: '320508' },
  { username: 'agency', displayName: '郑中介（苏州设计咨询）', role: 'agency' },
];

const SEED_CTX: RequestContext = { actor: null, requestId: 'seed', ip: null };

/**
 * Loads the demo world; running it again changes nothing (rows are matched by their natural
 * keys). Every row it creates is audited like any other change.
 * @returns the accounts it created in this run.
 */
export async function seedDemo(db: Kysely<DB>, audit: AuditService, password: string): Promise<string[]> {
  const passwordHash = await hashPassword(password);
  return inTransaction(db, async (trx) => {
    for (const r of DEMO_REGIONS) {
      if (await orgRepo.findRegion(trx, r.code)) continue;
      await orgRepo.insertRegion(trx, r);
      await audit.record(trx, SEED_CTX, { chainKey: `region:${r.code}`, action: 'region.create', targetType: 'region', targetId: r.code, regionCode: r.code, summary: { after: r, source: 'demo-seed' } });
    }
    const deptIds = new Map<string, number>();
    for (const d of DEMO_DEPARTMENTS) {
      let row = await orgRepo.findDepartmentByCode(trx, d.code);
      if (!row) {
        row = await orgRepo.insertDepartment(trx, d);
        await audit.record(trx, SEED_CTX, { chainKey: `department:${row.id}`, action: 'department.create', targetType: 'department', targetId: row.id, regionCode: d.region_code, summary: { after: d, source: 'demo-seed' } });
      }
      deptIds.set(d.code, row.id);
    }
    const entIds = new Map<string, number>();
    for (const e of DEMO_ENTERPRISES) {
      let row = await orgRepo.findEnterpriseByUscc(trx, e.uscc);
      if (!row) {
        row = await orgRepo.insertEnterprise(trx, e);
        await audit.record(trx, SEED_CTX, { chainKey: `enterprise:${row.id}`, action: 'enterprise.create', targetType: 'enterprise', targetId: row.id, regionCode: e.region_code, summary: { after: e, source: 'demo-seed' } });
      }
      entIds.set(e.uscc, row.id);
    }
    const created: string[] = [];
    for (const a of DEMO_ACCOUNTS) {
      if (await accountsRepository.findUserByUsername(trx, a.username)) continue;
      const user = await accountsRepository.insertUser(trx, {
        username: a.username,
        display_name: a.displayName,
        password_hash: passwordHash,
        role: a.role,
        enterprise_id: a.enterpriseUscc ? entIds.get(a.enterpriseUscc)! : null,
        department_id: a.departmentCode ? deptIds.get(a.departmentCode)! : null,
        region_code: a.regionCode ?? null,
        email: null,
        phone: null,
      });
      const { password_hash: _h, ...view } = user;
      await audit.record(trx, SEED_CTX, { chainKey: `user:${user.id}`, action: 'user.create', targetType: 'user', targetId: user.id, summary: { after: view, source: 'demo-seed' } });
      created.push(a.username);
    }
    return created;
  });
}
