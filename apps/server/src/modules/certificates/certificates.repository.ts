/** Queries of the certificates module: signing keys, the 文号 sequence, certificate rows, pending cases. */
import { sql, type Insertable, type Selectable } from 'kysely';
import type { CertificateTable, SigningKeyTable } from '../../db/schema.ts';
import type { Executor, Tx } from '../../db/transaction.ts';

export type CertificateRow = Selectable<CertificateTable>;
export type SigningKeyRow = Selectable<SigningKeyTable>;

/** Everything the issuing job needs about one concluded case, in one statement. */
export interface CaseForIssue {
  id: string;
  application_id: number;
  matter_id: number;
  matter_code: string;
  matter_name: string;
  department_id: number;
  region_code: string;
  status: string;
  concluded_at: Date | null;
  document_status: string;
  enterprise_id: number;
  enterprise_name: string;
  enterprise_uscc: string;
  project_id: number;
  project_code: string;
  project_name: string;
  project_location: string;
  project_floor_area: number;
  department_code: string;
  department_name: string;
  result_name: string;
  validity_months: number | null;
}

export const certificatesRepository = {
  /**
   * Claims one case whose document is pending: locked FOR UPDATE SKIP LOCKED, so several
   * processes (or two job runs) never take the same case; the oldest conclusion first.
   */
  async claimPending(trx: Tx): Promise<string | null> {
    const row = await trx
      .selectFrom('approval_case')
      .select('id')
      .where('document_status', '=', 'pending')
      .orderBy('concluded_at')
      .orderBy('id')
      .limit(1)
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
    return row?.id ?? null;
  },

  caseForIssue(db: Executor, caseId: string): Promise<CaseForIssue | undefined> {
    return db
      .selectFrom('approval_case as c')
      .innerJoin('application as a', 'a.id', 'c.application_id')
      .innerJoin('enterprise as e', 'e.id', 'a.enterprise_id')
      .innerJoin('project as p', 'p.id', 'a.project_id')
      .innerJoin('department as d', 'd.id', 'c.department_id')
      .innerJoin('matter_version as mv', 'mv.id', 'c.matter_version_id')
      .select([
        'c.id',
        'c.application_id',
        'c.matter_id',
        'c.matter_code',
        'c.matter_name',
        'c.department_id',
        'c.region_code',
        'c.status',
        'c.concluded_at',
        'c.document_status',
        'a.enterprise_id',
        'e.name as enterprise_name',
        'e.uscc as enterprise_uscc',
        'p.id as project_id',
        'p.code as project_code',
        'p.name as project_name',
        'p.location as project_location',
        'p.floor_area as project_floor_area',
        'd.code as department_code',
        'd.name as department_name',
        'mv.result_name',
        'mv.validity_months',
      ])
      .where('c.id', '=', caseId)
      .executeTakeFirst();
  },

  /** The opinions of the refusing completions of a case, latest round last. */
  async refusalOpinions(db: Executor, caseId: string): Promise<string[]> {
    const rows = await db
      .selectFrom('task')
      .select(['opinion', 'round'])
      .where('case_id', '=', caseId)
      .where('status', '=', 'done')
      .where('decision', '=', 'refuse')
      .orderBy('completed_at')
      .execute();
    const lastRound = Math.max(...rows.map((r) => r.round));
    return rows.filter((r) => r.round === lastRound && r.opinion?.trim()).map((r) => r.opinion!.trim());
  },

  /** The reason the engine gave when it concluded the case (a refused prerequisite), if any. */
  async conclusionReason(db: Executor, caseId: string): Promise<string | null> {
    const row = await db
      .selectFrom('workflow_event')
      .select('data')
      .where('case_id', '=', caseId)
      .where('type', '=', 'CaseConcluded')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    const reason = row?.data.reason;
    return typeof reason === 'string' && reason.trim() ? reason.trim() : null;
  },

  /** The next 文号 serial of a matter in a year: one statement, safe under concurrency (row lock of the upsert). */
  async nextSerial(trx: Tx, matterId: number, year: number): Promise<number> {
    const row = await trx
      .insertInto('certificate_sequence')
      .values({ matter_id: matterId, year, last: 1 })
      .onConflict((oc) => oc.columns(['matter_id', 'year']).doUpdateSet({ last: sql<number>`certificate_sequence.last + 1` }))
      .returning('last')
      .executeTakeFirstOrThrow();
    return row.last;
  },

  activeKey(db: Executor, departmentId: number): Promise<SigningKeyRow | undefined> {
    return db.selectFrom('signing_key').selectAll().where('department_id', '=', departmentId).where('retired_at', 'is', null).executeTakeFirst();
  },

  activeKeys(db: Executor): Promise<SigningKeyRow[]> {
    return db.selectFrom('signing_key').selectAll().where('retired_at', 'is', null).orderBy('department_id').execute();
  },

  /** Inserts a department's active key unless another process just did; true when this one was stored. */
  async insertKey(trx: Tx, key: Insertable<SigningKeyTable>): Promise<boolean> {
    const r = await trx
      .insertInto('signing_key')
      .values(key)
      .onConflict((oc) => oc.column('department_id').where('retired_at', 'is', null).doNothing())
      .returning('id')
      .executeTakeFirst();
    return r !== undefined;
  },

  departmentsWithoutKey(db: Executor) {
    return db
      .selectFrom('department as d')
      .select(['d.id', 'd.code', 'd.name', 'd.region_code'])
      .where((eb) => eb.not(eb.exists(eb.selectFrom('signing_key as k').select('k.id').whereRef('k.department_id', '=', 'd.id').where('k.retired_at', 'is', null))))
      .orderBy('d.id')
      .execute();
  },

  /** Every key ever used, active and retired, with its department (for publication). */
  publishedKeys(db: Executor) {
    return db
      .selectFrom('signing_key as k')
      .innerJoin('department as d', 'd.id', 'k.department_id')
      .select(['k.key_id', 'k.public_key', 'k.created_at', 'k.retired_at', 'd.code as department_code', 'd.name as department_name'])
      .orderBy('d.code')
      .orderBy('k.created_at')
      .execute();
  },

  publicKeyOf(db: Executor, keyId: string): Promise<{ public_key: string } | undefined> {
    return db.selectFrom('signing_key').select('public_key').where('key_id', '=', keyId).executeTakeFirst();
  },

  async insertCertificate(trx: Tx, row: Insertable<CertificateTable>): Promise<number> {
    const r = await trx.insertInto('certificate').values(row).returning('id').executeTakeFirstOrThrow();
    return r.id;
  },

  byId(db: Executor, id: number): Promise<CertificateRow | undefined> {
    return db.selectFrom('certificate').selectAll().where('id', '=', id).executeTakeFirst();
  },

  byCode(db: Executor, code: string): Promise<CertificateRow | undefined> {
    return db.selectFrom('certificate').selectAll().where('verification_code', '=', code).executeTakeFirst();
  },

  /** Whether the audit trail holds a revocation of the certificate (by the target index). */
  async hasRevocationEvent(db: Executor, id: number): Promise<boolean> {
    const row = await db.selectFrom('audit_event').select('id').where('target_type', '=', 'certificate').where('target_id', '=', String(id)).where('action', '=', 'certificate.revoke').limit(1).executeTakeFirst();
    return row !== undefined;
  },

  byNumber(db: Executor, number: string): Promise<CertificateRow | undefined> {
    return db.selectFrom('certificate').selectAll().where('number', '=', number).executeTakeFirst();
  },

  lockById(trx: Tx, id: number): Promise<CertificateRow | undefined> {
    return trx.selectFrom('certificate').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  },
};
