import type { Kysely } from 'kysely';
import type { ExtractionView, PrecheckItemView, PrecheckReportView } from '@tongban/contracts';
import { localDate, runPrecheck, PrecheckRuleError, type PrecheckDocument, type PrecheckItem, type PrecheckRule } from '@tongban/engine';
import type { ApplicationRow, DB } from '../../db/schema.ts';
import type { Executor } from '../../db/transaction.ts';
import type { Clock } from '../../lib/clock.ts';
import { notFound, type ErrorDetail } from '../../lib/errors.ts';
import type { Actor } from '../accounts/actor.ts';
import { catalogRepository as catalogRepo } from '../catalog/catalog.repository.ts';
import { unifiedForm } from '../catalog/processes.service.ts';
import { assertCanReadApplication } from '../workflow/access.ts';
import { NOT_READ, type MaterialIntake } from './intake.ts';

const APPLICATION = { zh: '申报', en: 'Application' };

/**
 * The pre-check (智能预审) of an application: the rules of every matter in it run over the unified
 * form and what was read from the attached files (cached per content in `stored_file`), with
 * "today" in Asia/Shanghai from the injected clock. Errors block submission (PRECHECK_FAILED);
 * warnings inform. A file that could not be read is only ever a warning: a person looks at it.
 */
export class PrecheckService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
    private readonly intake: MaterialIntake,
  ) {}

  /** The report for someone who may read the application (same rule as GET /applications/:id). */
  async report(actor: Actor, id: number): Promise<PrecheckReportView> {
    const row = await this.db.selectFrom('application').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound(APPLICATION);
    await assertCanReadApplication(this.db, actor, row);
    return this.compute(this.db, row);
  }

  /** Runs the rules; `db` may be the caller's transaction (submission runs it under the application lock). */
  async compute(db: Executor, row: ApplicationRow): Promise<PrecheckReportView> {
    const today = localDate(this.clock.now());
    const caseVersions = await db.selectFrom('approval_case').select('matter_version_id').where('application_id', '=', row.id).execute();
    const versionIds = [...new Set([...row.selection.map((s) => s.matterVersionId), ...caseVersions.map((c) => c.matter_version_id)])];
    const versions = versionIds.length ? await db.selectFrom('matter_version').select(['id', 'form_fields', 'precheck_rules']).where('id', 'in', versionIds).orderBy('id').execute() : [];
    const requirements = await catalogRepo.materialsOf(db, versionIds);
    const files = await db.selectFrom('application_material').select(['id', 'requirement_id', 'file_name', 'sm3']).where('application_id', '=', row.id).where('removed_at', 'is', null).orderBy('id').execute();
    const readings = await this.intake.readings(db, files.map((f) => f.sm3));
    const extractionOf = (sm3: string): ExtractionView => readings.get(sm3) ?? NOT_READ;
    const labels = new Map(unifiedForm(versions.map((v) => v.form_fields)).map((f) => [f.key, f.label]));

    const items: PrecheckItemView[] = [];
    const seen = new Set<string>();
    let checked = 0;
    for (const v of versions) {
      const rules = (v.precheck_rules ?? []) as unknown as PrecheckRule[];
      if (!rules.length) continue;
      const mine = requirements.filter((r) => r.matter_version_id === v.id);
      const coded = mine.filter((r): r is typeof r & { code: string } => r.code !== null);
      const docs = files.flatMap((f) => {
        const r = coded.find((x) => x.id === f.requirement_id);
        return r ? [{ file: f, requirement: r }] : [];
      });
      const documents: PrecheckDocument[] = docs.map(({ file, requirement }) => {
        const x = extractionOf(file.sm3);
        return { materialCode: requirement.code, fileName: file.file_name, extraction: { status: x.status, ...(x.reason && { reason: x.reason.en }), facts: x.facts } };
      });
      let report;
      try {
        report = runPrecheck(rules, { form: row.form as Record<string, string | number | boolean | null>, documents }, {
          today,
          labels: {
            fields: Object.fromEntries(v.form_fields.map((f) => [f.key, f.label])),
            materials: Object.fromEntries(coded.map((r) => [r.code, r.name])),
          },
        });
      } catch (e) {
        // Rules are validated when a matter draft is saved; a set that still fails is skipped, not a 500.
        if (e instanceof PrecheckRuleError) continue;
        throw e;
      }
      checked += report.checked;
      for (const item of report.items) {
        const view = this.itemView(item, docs, coded, labels);
        const key = JSON.stringify([view.ruleId, view.kind, view.severity, view.field, view.materialCode, view.fileName, view.message.zh]);
        if (seen.has(key)) continue;
        seen.add(key);
        items.push(view);
      }
    }
    const ordered = [...items.filter((i) => i.severity === 'error'), ...items.filter((i) => i.severity === 'warning')];
    const errors = ordered.filter((i) => i.severity === 'error').length;
    return {
      applicationId: row.id,
      ok: errors === 0,
      errors,
      warnings: ordered.length - errors,
      checked,
      items: ordered,
      documents: files.map((f) => ({ materialId: f.id, requirementId: f.requirement_id, fileName: f.file_name, extraction: extractionOf(f.sm3) })),
      today,
    };
  }

  private itemView(
    item: PrecheckItem,
    docs: Array<{ file: { id: number; requirement_id: number; file_name: string }; requirement: { id: number; code: string; name: string } }>,
    coded: Array<{ id: number; code: string; name: string }>,
    labels: Map<string, string>,
  ): PrecheckItemView {
    const view: PrecheckItemView = {
      ruleId: item.ruleId,
      kind: item.kind,
      // A file that could not be read is for a person to look at: never a reason to refuse submission.
      severity: item.kind === 'document-readable' ? 'warning' : item.severity,
      message: item.message,
      fix: item.fix,
    };
    if (item.field !== undefined) {
      view.field = item.field;
      const label = labels.get(item.field);
      if (label) view.fieldLabel = label;
    }
    if (item.materialCode !== undefined) {
      view.materialCode = item.materialCode;
      const doc = docs.find((d) => d.requirement.code === item.materialCode && d.file.file_name === item.fileName) ?? docs.find((d) => d.requirement.code === item.materialCode);
      const requirement = doc?.requirement ?? coded.find((r) => r.code === item.materialCode);
      if (requirement) {
        view.requirementId = requirement.id;
        view.materialName = requirement.name;
      }
      if (doc && item.fileName !== undefined) view.materialId = doc.file.id;
    }
    if (item.fileName !== undefined) view.fileName = item.fileName;
    if (item.fact !== undefined) view.fact = item.fact;
    if (item.expected !== undefined) view.expected = item.expected;
    if (item.actual !== undefined) view.actual = item.actual;
    return view;
  }
}

/** The errors of a report as error details: paths the application page jumps to, Chinese messages. */
export function precheckDetails(report: PrecheckReportView): ErrorDetail[] {
  return report.items
    .filter((i) => i.severity === 'error')
    .map((i) => ({
      path: i.field !== undefined && i.materialCode === undefined ? `/form/${i.field}` : i.requirementId !== undefined ? `/materials/${i.requirementId}` : `/precheck/${i.ruleId}`,
      message: `${i.message.zh}${i.fix.zh ? `（${i.fix.zh}）` : ''}`,
    }));
}
