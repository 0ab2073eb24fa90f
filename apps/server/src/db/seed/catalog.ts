import type { FormField, MaterialRequirement, MatterDraftInput, ProcessDraftInput, Question, StageInput } from '@tongban/contracts';
import type { Services } from '../../services.ts';
import type { RequestContext } from '../../modules/accounts/actor.ts';
import { catalogRepository } from '../../modules/catalog/catalog.repository.ts';
import { organizationRepository as orgRepo } from '../../modules/organization/organization.repository.ts';
import { accountsRepository } from '../../modules/accounts/accounts.repository.ts';

/**
 * The demo catalog of PRODUCT.md §5 for 苏州市: 22 matters of 8 departments with their legal and
 * promised limits, material lists as real service guides have them, and the processes of project
 * types 3 (一般社会投资), 4 (小型社会投资) and 6 (工业), four stages each with guided-selection
 * questions. Time limits in working days unless `limitKind` is calendar (环评, set by law in
 * calendar days).
 */

type M = Partial<MaterialRequirement> & { name: string };
const mat = (m: M): MaterialRequirement => ({
  form: 'original',
  copies: 1,
  necessity: 'required',
  condition: null,
  conditionNote: null,
  acceptedTypes: ['pdf', 'ofd'],
  maxSizeMb: 50,
  sampleUrl: null,
  reuse: 'none',
  description: '',
  ...m,
});
const field = (key: string, label: string, type: FormField['type'] = 'text', extra: Partial<FormField> = {}): FormField => ({ key, label, type, required: true, ...extra });

const COMMON_FIELDS = [field('projectName', '项目名称'), field('constructionUnit', '建设单位'), field('projectAddress', '建设地点')];
const LICENCE = mat({ name: '营业执照（或统一社会信用代码证书）', form: 'copy', reuse: 'certificate_library', description: '可从电子证照库调用，无需重复上传', code: 'business-licence' });
const MANDATE = mat({ name: '授权委托书及受托人身份证明', necessity: 'conditional', conditionNote: '委托代理人办理时提交', acceptedTypes: ['pdf', 'jpg', 'png'] });
const LAND_CERT = mat({ name: '不动产权证书（土地）或用地批准文件', form: 'copy', reuse: 'certificate_library', code: 'land-certificate' });

/**
 * 智能预审 of 建筑工程施工许可证核发: the credit code and name on the form against the business
 * licence, the licence still valid, the award and contract not dated in the future, a plausible
 * contract price, start before finish, and a warning for documents that could not be read.
 */
const SGXK_RULES: NonNullable<MatterDraftInput['precheckRules']> = [
  { id: 'uscc-valid', kind: 'uscc', severity: 'error', target: { field: 'constructionUnitUscc' } },
  { id: 'licence-uscc-matches', kind: 'document-matches-form', severity: 'error', material: 'business-licence', fact: 'uscc', field: 'constructionUnitUscc' },
  { id: 'licence-name-matches', kind: 'document-matches-form', severity: 'error', material: 'business-licence', fact: 'enterpriseName', field: 'constructionUnit' },
  { id: 'licence-not-expired', kind: 'date', severity: 'error', target: { material: 'business-licence', fact: 'validUntil' }, notBefore: { today: 0 }, label: { zh: '营业执照营业期限', en: 'term of the business licence' } },
  { id: 'award-not-future', kind: 'date', severity: 'error', target: { material: 'bid-award', fact: 'issueDate' }, notAfter: { today: 0 }, label: { zh: '中标通知书日期', en: 'date of the bid award notice' } },
  { id: 'contract-not-future', kind: 'date', severity: 'error', target: { material: 'construction-contract', fact: 'issueDate' }, notAfter: { today: 0 }, label: { zh: '施工合同签订日期', en: 'date of the construction contract' } },
  { id: 'contract-amount-range', kind: 'range', severity: 'error', target: { field: 'contractAmount' }, min: 1, max: 10_000_000 },
  { id: 'planned-dates-order', kind: 'cross-field', severity: 'error', left: { field: 'plannedStart' }, op: 'le', right: { field: 'plannedFinish' }, as: 'date' },
  { id: 'licence-readable', kind: 'document-readable', severity: 'warning', material: 'business-licence' },
  { id: 'award-readable', kind: 'document-readable', severity: 'warning', material: 'bid-award' },
];

/** 建设工程规划许可证核发: the licence names the applicant of the form. */
const GCGH_RULES: NonNullable<MatterDraftInput['precheckRules']> = [
  { id: 'licence-name-matches', kind: 'document-matches-form', severity: 'error', material: 'business-licence', fact: 'enterpriseName', field: 'constructionUnit' },
  { id: 'licence-not-expired', kind: 'date', severity: 'error', target: { material: 'business-licence', fact: 'validUntil' }, notBefore: { today: 0 }, label: { zh: '营业执照营业期限', en: 'term of the business licence' } },
  { id: 'floor-area-range', kind: 'range', severity: 'error', target: { field: 'floorArea' }, min: 1, max: 5_000_000 },
  { id: 'licence-readable', kind: 'document-readable', severity: 'warning', material: 'business-licence' },
];

interface MatterSeed extends MatterDraftInput {
  code: string;
  deptCode: string;
}

function matter(code: string, deptCode: string, m: Omit<MatterDraftInput, 'departmentId' | 'specialProcedures' | 'commitmentAllowed' | 'deficiencyAllowed' | 'extensionDays' | 'limitKind' | 'fees' | 'validityMonths'> & Partial<MatterDraftInput>): MatterSeed {
  return {
    code,
    deptCode,
    departmentId: 0,
    limitKind: 'working',
    extensionDays: 0,
    commitmentAllowed: false,
    deficiencyAllowed: false,
    fees: '不收费',
    validityMonths: null,
    specialProcedures: [],
    ...m,
  };
}

export const DEMO_MATTERS: MatterSeed[] = [
  // ---- 发展和改革委员会
  matter('SZ-FGW-HZ', 'SZ-FGW', {
    name: '企业投资项目核准',
    legalLimitDays: 20,
    extensionDays: 10,
    promisedLimitDays: 10,
    resultType: 'approval',
    resultName: '项目核准批复文件',
    validityMonths: 24,
    legalBasis: '《企业投资项目核准和备案管理条例》（国务院令第673号）第九条、第十条；《政府核准的投资项目目录》',
    conditions: '属于《政府核准的投资项目目录》范围内的企业投资项目；已取得用地预审与选址意见书（需办理的）；符合国家产业政策。',
    formFields: [...COMMON_FIELDS, field('totalInvestment', '总投资', 'number', { unit: '万元' }), field('constructionContent', '建设规模和内容')],
    materials: [
      LICENCE,
      mat({ name: '项目申请报告', description: '含项目单位情况、拟建项目情况、资源利用和生态环境影响分析、经济和社会影响分析' }),
      mat({ name: '用地预审与选址意见书', form: 'copy', reuse: 'certificate_library', necessity: 'conditional', condition: 'landSupply == "allocation"', conditionNote: '划拨用地项目提交' }),
      mat({ name: '项目单位对申报材料真实性负责的承诺书' }),
      MANDATE,
    ],
  }),
  matter('SZ-FGW-BA', 'SZ-FGW', {
    name: '企业投资项目备案',
    legalLimitDays: 1,
    promisedLimitDays: 1,
    commitmentAllowed: true,
    resultType: 'filing',
    resultName: '江苏省投资项目备案证',
    validityMonths: 24,
    legalBasis: '《企业投资项目核准和备案管理条例》（国务院令第673号）第十三条；《江苏省企业投资项目核准和备案管理办法》',
    conditions: '不属于《政府核准的投资项目目录》的企业投资项目，通过在线平台告知项目信息。',
    formFields: [...COMMON_FIELDS, field('totalInvestment', '总投资', 'number', { unit: '万元' }), field('constructionContent', '建设规模和内容')],
    materials: [LICENCE, mat({ name: '项目备案信息表', form: 'electronic', description: '在线填报' }), mat({ name: '项目单位信息真实性承诺书' })],
  }),
  // ---- 自然资源和规划局
  matter('SZ-ZRZY-YSXZ', 'SZ-ZRZY', {
    name: '建设项目用地预审与选址意见书核发',
    legalLimitDays: 20,
    promisedLimitDays: 10,
    resultType: 'licence',
    resultName: '建设项目用地预审与选址意见书',
    validityMonths: 36,
    legalBasis: '《中华人民共和国土地管理法》第五十二条；《中华人民共和国城乡规划法》第三十六条；《土地管理法实施条例》第二十四条',
    conditions: '以划拨方式提供国有土地使用权的建设项目，以及需核准的建设项目。',
    formFields: [...COMMON_FIELDS, field('landArea', '拟用地面积', 'number', { unit: '公顷' })],
    materials: [
      LICENCE,
      mat({ name: '建设项目用地预审与选址申请表' }),
      mat({ name: '建设项目用地预审与选址申请报告', description: '含拟建项目基本情况、拟选址占地情况、规划符合情况' }),
      mat({ name: '建设项目拟选址位置图（1:500 或 1:1000 地形图）', acceptedTypes: ['pdf', 'dwg'] }),
      MANDATE,
    ],
  }),
  matter('SZ-ZRZY-YDGH', 'SZ-ZRZY', {
    name: '建设用地规划许可证核发',
    legalLimitDays: 10,
    promisedLimitDays: 5,
    resultType: 'licence',
    resultName: '建设用地规划许可证',
    validityMonths: 12,
    legalBasis: '《中华人民共和国城乡规划法》第三十七条、第三十八条',
    conditions: '已取得国有土地使用权出让合同或划拨决定书；符合控制性详细规划。',
    formFields: [...COMMON_FIELDS, field('landArea', '用地面积', 'number', { unit: '公顷' }), field('landUse', '用地性质')],
    materials: [
      LICENCE,
      mat({ name: '建设用地规划许可申请表' }),
      mat({ name: '国有建设用地使用权出让合同或划拨决定书', form: 'copy' }),
      mat({ name: '宗地红线图', acceptedTypes: ['pdf', 'dwg'] }),
      MANDATE,
    ],
  }),
  matter('SZ-ZRZY-FASC', 'SZ-ZRZY', {
    name: '建设工程设计方案审查',
    legalLimitDays: 20,
    promisedLimitDays: 10,
    resultType: 'opinion',
    resultName: '建设工程设计方案审查意见',
    legalBasis: '《中华人民共和国城乡规划法》第四十条；《江苏省城乡规划条例》第四十一条',
    conditions: '已取得建设用地规划许可证（或土地出让合同及规划条件）。',
    formFields: [...COMMON_FIELDS, field('floorArea', '总建筑面积', 'number', { unit: '㎡' }), field('buildingHeight', '建筑高度', 'number', { unit: 'm' })],
    materials: [
      mat({ name: '建设工程设计方案审查申请表' }),
      mat({ name: '建设工程设计方案（总平面图、单体平立剖面、效果图）', acceptedTypes: ['pdf', 'dwg'], maxSizeMb: 500 }),
      mat({ name: '建设用地规划许可证', form: 'copy', reuse: 'certificate_library', code: 'land-planning-permit' }),
      mat({ name: '日照分析报告', necessity: 'conditional', condition: 'buildingHeight >= 24', conditionNote: '高层建筑或对周边住宅有日照影响时提交' }),
    ],
  }),
  matter('SZ-ZRZY-GCGH', 'SZ-ZRZY', {
    name: '建设工程规划许可证核发',
    legalLimitDays: 10,
    promisedLimitDays: 5,
    resultType: 'licence',
    resultName: '建设工程规划许可证',
    validityMonths: 12,
    legalBasis: '《中华人民共和国城乡规划法》第四十条',
    conditions: '设计方案已审查通过（小型项目可与方案审查合并办理）。',
    formFields: [...COMMON_FIELDS, field('floorArea', '总建筑面积', 'number', { unit: '㎡' }), field('buildingHeight', '建筑高度', 'number', { unit: 'm' })],
    materials: [
      LICENCE,
      mat({ name: '建设工程规划许可申请表' }),
      mat({ name: '不动产权证书或土地使用证明文件', form: 'copy', reuse: 'certificate_library' }),
      mat({ name: '经审定的建设工程设计方案总平面图', acceptedTypes: ['pdf', 'dwg'] }),
      mat({ name: '建筑工程施工图设计文件（规划部分）', acceptedTypes: ['pdf', 'dwg'], maxSizeMb: 500 }),
      MANDATE,
    ],
    precheckRules: GCGH_RULES,
  }),
  matter('SZ-ZRZY-GHHS', 'SZ-ZRZY', {
    name: '建设工程规划条件核实（联合验收）',
    legalLimitDays: 15,
    promisedLimitDays: 5,
    resultType: 'opinion',
    resultName: '建设工程规划核实意见书',
    legalBasis: '《中华人民共和国城乡规划法》第四十五条',
    conditions: '建设工程竣工，已完成竣工测量。',
    formFields: [...COMMON_FIELDS, field('floorArea', '实测建筑面积', 'number', { unit: '㎡' })],
    materials: [mat({ name: '规划核实申请表' }), mat({ name: '竣工测量成果报告书', acceptedTypes: ['pdf', 'dwg'] }), mat({ name: '建设工程规划许可证', form: 'copy', reuse: 'certificate_library', code: 'planning-permit' })],
  }),
  // ---- 生态环境局
  matter('SZ-STHJ-BGS', 'SZ-STHJ', {
    name: '建设项目环境影响报告书审批',
    limitKind: 'calendar',
    legalLimitDays: 60,
    promisedLimitDays: 15,
    resultType: 'approval',
    resultName: '环境影响报告书批复',
    validityMonths: 60,
    legalBasis: '《中华人民共和国环境影响评价法》第二十二条；《建设项目环境保护管理条例》第九条',
    conditions: '依《建设项目环境影响评价分类管理名录》应编制环境影响报告书的建设项目。',
    specialProcedures: [{ kind: 'expert_review', name: '技术评估', maxDays: 30 }, { kind: 'public_notice', name: '受理及拟审批公示', maxDays: 10 }],
    formFields: [...COMMON_FIELDS, field('eiaCategory', '环评类别', 'choice', { options: [{ value: 'report', label: '报告书' }] })],
    materials: [
      mat({ name: '建设项目环境影响报告书（全本及删除涉密内容的公示本）', maxSizeMb: 200 }),
      mat({ name: '公众参与说明' }),
      mat({ name: '建设项目环评审批申请表' }),
      mat({ name: '排污许可证或总量来源说明', necessity: 'conditional', conditionNote: '涉及主要污染物排放总量的项目提交' }),
    ],
  }),
  matter('SZ-STHJ-BGB', 'SZ-STHJ', {
    name: '建设项目环境影响报告表审批',
    limitKind: 'calendar',
    legalLimitDays: 30,
    promisedLimitDays: 7,
    commitmentAllowed: true,
    resultType: 'approval',
    resultName: '环境影响报告表批复',
    validityMonths: 60,
    legalBasis: '《中华人民共和国环境影响评价法》第二十二条；《江苏省建设项目环评审批告知承诺制实施意见》',
    conditions: '依分类管理名录应编制环境影响报告表的建设项目；位于已完成规划环评的园区可实行告知承诺。',
    formFields: [...COMMON_FIELDS, field('eiaCategory', '环评类别', 'choice', { options: [{ value: 'table', label: '报告表' }] })],
    materials: [mat({ name: '建设项目环境影响报告表', maxSizeMb: 100 }), mat({ name: '建设项目环评审批申请表' }), mat({ name: '告知承诺书', necessity: 'conditional', condition: 'inParkAssessed', conditionNote: '园区内实行告知承诺的项目提交' })],
  }),
  // ---- 水务局
  matter('SZ-SWJ-SBFA', 'SZ-SWJ', {
    name: '生产建设项目水土保持方案审批',
    legalLimitDays: 20,
    promisedLimitDays: 10,
    resultType: 'approval',
    resultName: '水土保持方案批复',
    legalBasis: '《中华人民共和国水土保持法》第二十五条；《江苏省水土保持条例》第二十条',
    conditions: '征占地面积 0.5 公顷以上或挖填土石方总量 1000 立方米以上的生产建设项目（已完成区域评估的园区内实行承诺制）。',
    formFields: [...COMMON_FIELDS, field('landArea', '征占地面积', 'number', { unit: '公顷' })],
    materials: [mat({ name: '水土保持方案审批申请表' }), mat({ name: '水土保持方案报告书（表）', maxSizeMb: 100 }), MANDATE],
  }),
  matter('SZ-SWJ-PSXK', 'SZ-SWJ', {
    name: '城镇污水排入排水管网许可证核发',
    legalLimitDays: 15,
    promisedLimitDays: 5,
    resultType: 'licence',
    resultName: '城镇污水排入排水管网许可证',
    validityMonths: 60,
    legalBasis: '《城镇排水与污水处理条例》第二十一条；《城镇污水排入排水管网许可管理办法》',
    conditions: '向城镇排水设施排放污水的排水户，排水设施已建成并通过验收。',
    formFields: [...COMMON_FIELDS],
    materials: [mat({ name: '排水许可申请表' }), mat({ name: '排水户内部排水管网、专用检测井、污水排放口位置和口径图纸', acceptedTypes: ['pdf', 'dwg'] }), mat({ name: '排水水质检测报告', necessity: 'conditional', conditionNote: '工业排水户提交' })],
  }),
  // ---- 住房和城乡建设局
  matter('SZ-ZJJ-SGTSC', 'SZ-ZJJ', {
    name: '施工图设计文件联合审查',
    legalLimitDays: 15,
    promisedLimitDays: 10,
    resultType: 'certificate',
    resultName: '施工图设计文件审查合格书',
    legalBasis: '《建设工程质量管理条例》第十一条；《房屋建筑和市政基础设施工程施工图设计文件审查管理办法》第十三条（大型项目 15 个工作日，中型及以下 10 个工作日）',
    conditions: '已取得建设工程规划许可证；施工图设计文件已完成（含消防、人防、技防等专项）。',
    formFields: [...COMMON_FIELDS, field('floorArea', '总建筑面积', 'number', { unit: '㎡' }), field('designUnit', '设计单位')],
    materials: [
      mat({ name: '施工图设计文件（全专业）', acceptedTypes: ['pdf', 'dwg'], maxSizeMb: 2048 }),
      mat({ name: '建设工程规划许可证', form: 'copy', reuse: 'certificate_library', code: 'planning-permit' }),
      mat({ name: '岩土工程勘察报告', acceptedTypes: ['pdf'], maxSizeMb: 200 }),
      mat({ name: '设计合同', form: 'copy' }),
    ],
  }),
  matter('SZ-ZJJ-XFSJ', 'SZ-ZJJ', {
    name: '特殊建设工程消防设计审查',
    legalLimitDays: 15,
    promisedLimitDays: 10,
    resultType: 'opinion',
    resultName: '特殊建设工程消防设计审查意见书',
    legalBasis: '《中华人民共和国消防法》第十一条；《建设工程消防设计审查验收管理暂行规定》第十四条、第二十二条（需专家评审的，专家评审时间不超过 20 个工作日）',
    conditions: '属于《建设工程消防设计审查验收管理暂行规定》第十四条所列特殊建设工程。',
    specialProcedures: [{ kind: 'expert_review', name: '消防设计专家评审', maxDays: 20 }],
    formFields: [...COMMON_FIELDS, field('fireCategory', '特殊建设工程类别')],
    materials: [mat({ name: '消防设计审查申请表' }), mat({ name: '消防设计文件', acceptedTypes: ['pdf', 'dwg'], maxSizeMb: 500 }), mat({ name: '建设工程规划许可证', form: 'copy', reuse: 'certificate_library', code: 'planning-permit' })],
  }),
  matter('SZ-ZJJ-SGXK', 'SZ-ZJJ', {
    name: '建筑工程施工许可证核发',
    legalLimitDays: 7,
    promisedLimitDays: 3,
    deficiencyAllowed: true,
    resultType: 'licence',
    resultName: '建筑工程施工许可证',
    validityMonths: 3,
    legalBasis: '《中华人民共和国建筑法》第七条、第八条；《建筑工程施工许可管理办法》（住房和城乡建设部令第18号）第四条、第五条',
    conditions: '已办理用地批准手续；已取得建设工程规划许可证；施工场地已具备施工条件；已确定施工企业；有满足施工需要的施工图纸及技术资料；有保证工程质量和安全的具体措施；建设资金已落实。',
    formFields: [
      ...COMMON_FIELDS,
      field('constructionUnitUscc', '建设单位统一社会信用代码'),
      field('contractor', '施工单位'),
      field('contractAmount', '合同价格', 'number', { unit: '万元' }),
      field('plannedStart', '计划开工日期', 'date'),
      field('plannedFinish', '计划竣工日期', 'date'),
    ],
    materials: [
      mat({ name: '建筑工程施工许可证申请表' }),
      LICENCE,
      LAND_CERT,
      mat({ name: '建设工程规划许可证', form: 'copy', reuse: 'certificate_library', code: 'planning-permit' }),
      mat({ name: '施工图设计文件审查合格书', form: 'copy', reuse: 'certificate_library', code: 'drawing-review-cert' }),
      mat({ name: '中标通知书或直接发包批准文件', form: 'copy', code: 'bid-award' }),
      mat({ name: '施工合同', form: 'copy', code: 'construction-contract' }),
      mat({ name: '危险性较大的分部分项工程清单及安全管理措施', description: '安全生产措施' }),
      mat({ name: '建设资金已落实承诺书（或资金证明）' }),
      mat({ name: '特殊建设工程消防设计审查意见书', form: 'copy', reuse: 'certificate_library', necessity: 'conditional', condition: 'specialFire', conditionNote: '特殊建设工程提交' }),
      MANDATE,
    ],
    precheckRules: SGXK_RULES,
  }),
  matter('SZ-ZJJ-XFYS', 'SZ-ZJJ', {
    name: '特殊建设工程消防验收（联合验收）',
    legalLimitDays: 15,
    promisedLimitDays: 5,
    resultType: 'opinion',
    resultName: '特殊建设工程消防验收意见书',
    legalBasis: '《中华人民共和国消防法》第十三条；《建设工程消防设计审查验收管理暂行规定》第二十六条、第三十三条',
    conditions: '特殊建设工程竣工，已完成工程竣工验收消防查验。',
    specialProcedures: [{ kind: 'site_inspection', name: '现场评定', maxDays: 5 }],
    formFields: [...COMMON_FIELDS],
    materials: [mat({ name: '消防验收申请表' }), mat({ name: '工程竣工验收报告' }), mat({ name: '涉及消防的建设工程竣工图纸', acceptedTypes: ['pdf', 'dwg'], maxSizeMb: 500 })],
  }),
  matter('SZ-ZJJ-XFBA', 'SZ-ZJJ', {
    name: '其他建设工程消防验收备案（联合验收）',
    legalLimitDays: 5,
    promisedLimitDays: 3,
    resultType: 'filing',
    resultName: '消防验收备案凭证',
    legalBasis: '《中华人民共和国消防法》第十三条；《建设工程消防设计审查验收管理暂行规定》第三十四条',
    conditions: '特殊建设工程以外的其他建设工程竣工验收合格。',
    formFields: [...COMMON_FIELDS],
    materials: [mat({ name: '消防验收备案表' }), mat({ name: '工程竣工验收报告' })],
  }),
  matter('SZ-ZJJ-JGBA', 'SZ-ZJJ', {
    name: '房屋建筑和市政基础设施工程竣工验收备案',
    legalLimitDays: 5,
    promisedLimitDays: 3,
    resultType: 'filing',
    resultName: '竣工验收备案证明书',
    legalBasis: '《建设工程质量管理条例》第四十九条；《房屋建筑和市政基础设施工程竣工验收备案管理办法》第四条、第五条',
    conditions: '工程竣工验收合格，规划、消防、人防、档案等联合验收已完成。',
    formFields: [...COMMON_FIELDS, field('acceptanceDate', '竣工验收日期', 'date')],
    materials: [mat({ name: '工程竣工验收备案表' }), mat({ name: '工程竣工验收报告' }), mat({ name: '施工单位签署的工程质量保修书' }), mat({ name: '住宅质量保证书和住宅使用说明书', necessity: 'conditional', conditionNote: '商品住宅工程提交' })],
  }),
  // ---- 人民防空办公室
  matter('SZ-RFB-SJSC', 'SZ-RFB', {
    name: '人防工程设计审查（结合民用建筑修建防空地下室）',
    legalLimitDays: 10,
    promisedLimitDays: 5,
    resultType: 'opinion',
    resultName: '人防工程设计审查意见',
    legalBasis: '《中华人民共和国人民防空法》第二十二条；《江苏省实施〈中华人民共和国人民防空法〉办法》第十七条',
    conditions: '新建民用建筑按规定应修建防空地下室的。',
    formFields: [...COMMON_FIELDS, field('shelterArea', '防空地下室面积', 'number', { unit: '㎡' })],
    materials: [mat({ name: '人防工程设计审查申请表' }), mat({ name: '人防工程施工图设计文件', acceptedTypes: ['pdf', 'dwg'], maxSizeMb: 500 })],
  }),
  matter('SZ-RFB-YDJS', 'SZ-RFB', {
    name: '防空地下室易地建设审批',
    legalLimitDays: 10,
    promisedLimitDays: 5,
    resultType: 'approval',
    resultName: '防空地下室易地建设批复',
    fees: '按规定缴纳防空地下室易地建设费',
    legalBasis: '《中华人民共和国人民防空法》第二十二条；《江苏省防空地下室易地建设费收费管理办法》',
    conditions: '按规定应修建防空地下室，但因地质、地形等原因不宜修建的。',
    formFields: [...COMMON_FIELDS, field('shelterArea', '应建防空地下室面积', 'number', { unit: '㎡' })],
    materials: [mat({ name: '防空地下室易地建设申请表' }), mat({ name: '不宜修建防空地下室的说明及相关证明' })],
  }),
  matter('SZ-RFB-YS', 'SZ-RFB', {
    name: '人防工程竣工验收备案（联合验收）',
    legalLimitDays: 10,
    promisedLimitDays: 5,
    resultType: 'filing',
    resultName: '人防工程竣工验收备案证明',
    legalBasis: '《中华人民共和国人民防空法》第二十二条；《人民防空工程质量监督管理规定》',
    conditions: '防空地下室竣工验收合格。',
    formFields: [...COMMON_FIELDS],
    materials: [mat({ name: '人防工程竣工验收备案表' }), mat({ name: '人防工程竣工验收报告' })],
  }),
  // ---- 城市管理局
  matter('SZ-CGJ-JZLJ', 'SZ-CGJ', {
    name: '城市建筑垃圾处置核准',
    legalLimitDays: 20,
    promisedLimitDays: 5,
    resultType: 'licence',
    resultName: '城市建筑垃圾处置核准证',
    legalBasis: '《国务院对确需保留的行政审批项目设定行政许可的决定》第101项；《城市建筑垃圾管理规定》（建设部令第139号）第七条',
    conditions: '施工中产生建筑垃圾（渣土）需外运处置的。',
    formFields: [...COMMON_FIELDS, field('earthworkVolume', '外运土方量', 'number', { unit: 'm³' })],
    materials: [mat({ name: '建筑垃圾处置申请表' }), mat({ name: '建筑垃圾运输合同及消纳场所证明', form: 'copy' })],
  }),
  // ---- 档案馆
  matter('SZ-DAG-YS', 'SZ-DAG', {
    name: '建设工程档案验收（联合验收）',
    legalLimitDays: 10,
    promisedLimitDays: 5,
    resultType: 'opinion',
    resultName: '建设工程档案验收意见书',
    legalBasis: '《中华人民共和国档案法》；《城市建设档案管理规定》第八条；《建设工程文件归档规范》GB/T 50328',
    conditions: '建设工程竣工，工程文件已按规范整理归档。',
    formFields: [...COMMON_FIELDS],
    materials: [mat({ name: '建设工程档案验收申请表' }), mat({ name: '建设工程竣工档案（电子档案）', acceptedTypes: ['pdf', 'zip'], maxSizeMb: 2048 })],
  }),
];

const yes = (key: string, label: string, help?: string): Question => ({ key, label, type: 'boolean', ...(help && { help }) });
const QUESTIONS: Record<string, Question> = {
  needsApproval: yes('needsApproval', '是否属于《政府核准的投资项目目录》（需核准）', '不属于目录的企业投资项目实行备案'),
  landSupply: {
    key: 'landSupply',
    label: '土地供应方式',
    type: 'choice',
    options: [
      { value: 'allocation', label: '划拨' },
      { value: 'transfer', label: '出让' },
      { value: 'existing', label: '自有存量用地' },
    ],
  },
  inParkAssessed: yes('inParkAssessed', '是否位于已完成区域评估的开发区或园区', '区域评估覆盖水土保持等事项，园区内部分事项实行告知承诺'),
  eia: {
    key: 'eia',
    label: '环评类别',
    help: '按《建设项目环境影响评价分类管理名录》确定',
    type: 'choice',
    options: [
      { value: 'report', label: '报告书' },
      { value: 'table', label: '报告表' },
      { value: 'registration', label: '登记表（网上备案，无需审批）' },
    ],
  },
  landArea: { key: 'landArea', label: '征占地面积', type: 'number', unit: '公顷' },
  floorArea: { key: 'floorArea', label: '总建筑面积', type: 'number', unit: '㎡' },
  buildingHeight: { key: 'buildingHeight', label: '最高建筑高度', type: 'number', unit: 'm', help: '24 米及以上需提交日照分析' },
  specialFire: yes('specialFire', '是否属于特殊建设工程（消防）', '见《建设工程消防设计审查验收管理暂行规定》第十四条'),
  civilAirDefence: {
    key: 'civilAirDefence',
    label: '防空地下室',
    type: 'choice',
    options: [
      { value: 'build', label: '结合修建' },
      { value: 'offsite', label: '易地建设' },
      { value: 'none', label: '无需修建' },
    ],
  },
  earthwork: yes('earthwork', '施工中是否有建筑垃圾（渣土）需外运'),
};

const sm = (matterCode: string, opts: { condition?: string; note?: string; pre?: string[] } = {}) => ({
  matterCode,
  mandatory: !opts.condition,
  condition: opts.condition ?? null,
  conditionNote: opts.note ?? null,
  prerequisites: opts.pre ?? [],
});

interface ProcessSeed {
  code: string;
  projectType: number;
  draft: Omit<ProcessDraftInput, 'stages'> & { stages: Array<Omit<StageInput, 'leadDepartmentId'> & { lead: string }> };
}

/** Stage 3 of the full processes (types 3 and 6): drawings, fire, civil air defence, waste, permit. */
const STAGE3_PERMIT = (fireNote: string) => ({
  stageCode: 3,
  name: '施工许可',
  timeLimitDays: 15,
  lead: 'SZ-ZJJ',
  matters: [
    sm('SZ-ZJJ-SGTSC', { pre: ['SZ-ZRZY-GCGH'] }),
    sm('SZ-ZJJ-XFSJ', { condition: 'specialFire', note: fireNote }),
    sm('SZ-RFB-SJSC', { condition: 'civilAirDefence == "build"', note: '结合修建防空地下室的' }),
    sm('SZ-RFB-YDJS', { condition: 'civilAirDefence == "offsite"', note: '申请易地建设的' }),
    sm('SZ-CGJ-JZLJ', { condition: 'earthwork', note: '有建筑垃圾外运的' }),
    sm('SZ-ZJJ-SGXK', { pre: ['SZ-ZJJ-SGTSC'] }),
  ],
});

/** Approval (核准) or filing (备案), decided by the approval catalogue question. */
const PROJECT_ENTRY = [
  sm('SZ-FGW-HZ', { condition: 'needsApproval', note: '属于政府核准目录的项目' }),
  sm('SZ-FGW-BA', { condition: 'not needsApproval', note: '核准目录以外的企业投资项目' }),
];
/** The environmental and soil-conservation approvals the answers call for. */
const ENVIRONMENT = (tableNote: string) => [
  sm('SZ-STHJ-BGS', { condition: 'eia == "report"', note: '应编制环境影响报告书的项目' }),
  sm('SZ-STHJ-BGB', { condition: 'eia == "table"', note: tableNote }),
  sm('SZ-SWJ-SBFA', { condition: 'landArea >= 0.5 and not inParkAssessed', note: '征占地 0.5 公顷以上且不在已完成区域评估的园区内' }),
];

const STAGE4_JOINT = (limit: number) => ({
  stageCode: 4,
  name: '竣工验收（联合验收）',
  timeLimitDays: limit,
  lead: 'SZ-ZJJ',
  matters: [
    sm('SZ-ZRZY-GHHS'),
    sm('SZ-ZJJ-XFYS', { condition: 'specialFire', note: '特殊建设工程' }),
    sm('SZ-ZJJ-XFBA', { condition: 'not specialFire', note: '特殊建设工程以外的其他建设工程' }),
    sm('SZ-RFB-YS', { condition: 'civilAirDefence == "build"', note: '结合修建防空地下室的' }),
    sm('SZ-DAG-YS'),
    sm('SZ-SWJ-PSXK'),
    sm('SZ-ZJJ-JGBA', { pre: ['SZ-ZRZY-GHHS', 'SZ-DAG-YS'] }),
  ],
});

export const DEMO_PROCESSES: ProcessSeed[] = [
  {
    code: 'SZ-T3',
    projectType: 3,
    draft: {
      name: '苏州市一般社会投资项目审批流程',
      description: '一般社会投资类房屋建筑项目，四个阶段并联审批，全流程不超过 65 个工作日。',
      questions: [QUESTIONS.needsApproval!, QUESTIONS.landSupply!, QUESTIONS.eia!, QUESTIONS.inParkAssessed!, QUESTIONS.landArea!, QUESTIONS.floorArea!, QUESTIONS.buildingHeight!, QUESTIONS.specialFire!, QUESTIONS.civilAirDefence!, QUESTIONS.earthwork!],
      stages: [
        {
          stageCode: 1,
          name: '立项用地规划许可',
          timeLimitDays: 20,
          lead: 'SZ-ZRZY',
          matters: [
            ...PROJECT_ENTRY,
            sm('SZ-ZRZY-YSXZ', { condition: 'landSupply == "allocation" or needsApproval', note: '划拨用地或需核准的项目' }),
            sm('SZ-ZRZY-YDGH'),
            ...ENVIRONMENT('应编制环境影响报告表的项目'),
          ],
        },
        { stageCode: 2, name: '工程建设许可', timeLimitDays: 20, lead: 'SZ-ZRZY', matters: [sm('SZ-ZRZY-FASC'), sm('SZ-ZRZY-GCGH', { pre: ['SZ-ZRZY-FASC', 'SZ-ZRZY-YDGH'] })] },
        STAGE3_PERMIT('特殊建设工程'),
        STAGE4_JOINT(10),
      ],
    },
  },
  {
    code: 'SZ-T4',
    projectType: 4,
    draft: {
      name: '苏州市小型社会投资项目审批流程',
      description: '总建筑面积不大于 5000 平方米、建筑高度不大于 24 米、功能单一、技术要求简单的社会投资项目；方案审查与工程规划许可合并，施工图实行告知承诺，全流程不超过 30 个工作日。',
      questions: [QUESTIONS.landSupply!, QUESTIONS.eia!, QUESTIONS.civilAirDefence!, QUESTIONS.earthwork!],
      stages: [
        {
          stageCode: 1,
          name: '立项用地规划许可',
          timeLimitDays: 10,
          lead: 'SZ-ZRZY',
          matters: [sm('SZ-FGW-BA'), sm('SZ-ZRZY-YDGH'), sm('SZ-STHJ-BGB', { condition: 'eia == "table"', note: '应编制环境影响报告表的项目' })],
        },
        { stageCode: 2, name: '工程建设许可', timeLimitDays: 5, lead: 'SZ-ZRZY', matters: [sm('SZ-ZRZY-GCGH', { pre: ['SZ-ZRZY-YDGH'] })] },
        {
          stageCode: 3,
          name: '施工许可',
          timeLimitDays: 5,
          lead: 'SZ-ZJJ',
          matters: [
            sm('SZ-RFB-YDJS', { condition: 'civilAirDefence == "offsite"', note: '申请易地建设的' }),
            sm('SZ-CGJ-JZLJ', { condition: 'earthwork', note: '有建筑垃圾外运的' }),
            sm('SZ-ZJJ-SGXK', { pre: ['SZ-ZRZY-GCGH'] }),
          ],
        },
        { stageCode: 4, name: '竣工验收（联合验收）', timeLimitDays: 10, lead: 'SZ-ZJJ', matters: [sm('SZ-ZRZY-GHHS'), sm('SZ-ZJJ-XFBA'), sm('SZ-DAG-YS'), sm('SZ-ZJJ-JGBA', { pre: ['SZ-ZRZY-GHHS', 'SZ-DAG-YS'] })] },
      ],
    },
  },
  {
    code: 'SZ-T6',
    projectType: 6,
    draft: {
      name: '苏州市工业项目审批流程',
      description: '工业项目（含园区内“标准地”项目），区域评估成果共享，环评报告表实行告知承诺，全流程不超过 50 个工作日。',
      questions: [QUESTIONS.needsApproval!, QUESTIONS.inParkAssessed!, QUESTIONS.eia!, QUESTIONS.landArea!, QUESTIONS.buildingHeight!, QUESTIONS.specialFire!, QUESTIONS.civilAirDefence!, QUESTIONS.earthwork!],
      stages: [
        {
          stageCode: 1,
          name: '立项用地规划许可',
          timeLimitDays: 15,
          lead: 'SZ-FGW',
          matters: [
            ...PROJECT_ENTRY,
            sm('SZ-ZRZY-YDGH'),
            ...ENVIRONMENT('应编制环境影响报告表的项目（园区内告知承诺）'),
          ],
        },
        { stageCode: 2, name: '工程建设许可', timeLimitDays: 15, lead: 'SZ-ZRZY', matters: [sm('SZ-ZRZY-FASC'), sm('SZ-ZRZY-GCGH', { pre: ['SZ-ZRZY-FASC', 'SZ-ZRZY-YDGH'] })] },
        STAGE3_PERMIT('特殊建设工程（如甲、乙类厂房）'),
        STAGE4_JOINT(10),
      ],
    },
  },
];

/**
 * Loads the demo catalog through the catalog services (validated, published and audited like an
 * admin's work). Matters and processes that already exist are left as they are.
 */
export async function seedCatalog(s: Services): Promise<{ matters: number; processes: number }> {
  const db = s.database.db;
  const admin = await accountsRepository.findUserByUsername(db, 'admin');
  if (!admin) return { matters: 0, processes: 0 };
  const ctx: RequestContext = {
    actor: { userId: admin.id, username: admin.username, displayName: admin.display_name, role: 'admin', enterpriseId: null, departmentId: null, regionCode: null, via: 'session', keyScopes: null, sessionId: null },
    requestId: 'seed',
    ip: null,
  };
  const deptIds = new Map((await orgRepo.listDepartments(db, null)).map((d) => [d.code, d.id]));
  let matters = 0;
  for (const { code, deptCode, ...draft } of DEMO_MATTERS) {
    if (await catalogRepository.findMatterByCode(db, code)) continue;
    const created = await s.matters.create(ctx, { code, ...draft, departmentId: deptIds.get(deptCode)! });
    await s.matters.publish(ctx, created.id);
    matters++;
  }
  let processes = 0;
  for (const p of DEMO_PROCESSES) {
    if (await catalogRepository.findProcessByCode(db, p.code)) continue;
    const { stages, ...rest } = p.draft;
    const created = await s.processes.create(ctx, {
      code: p.code,
      projectType: p.projectType,
      regionCode: '320500',
      ...rest,
      stages: stages.map(({ lead, ...st }) => ({ ...st, leadDepartmentId: deptIds.get(lead)! })),
    });
    await s.processes.publish(ctx, created.id);
    processes++;
  }
  return { matters, processes };
}
