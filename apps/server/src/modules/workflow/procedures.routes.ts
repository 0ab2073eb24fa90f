import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorCode } from '@tongban/contracts';
import { validateProcedure, type ProcedureDefinition } from '@tongban/engine';
import { authorize, requestContext } from '../../plugins/auth.ts';
import { SECURED, withErrors } from '../../lib/http-schemas.ts';
import { AppError } from '../../lib/errors.ts';
import { inTransaction } from '../../db/transaction.ts';
import type { Services } from '../../services.ts';

const Step = Type.Object(
  {
    key: Type.String({ maxLength: 40 }),
    name: Type.String({ maxLength: 100 }),
    role: Type.Enum(['reviewer', 'approver']),
    mode: Type.Enum(['single', 'countersign', 'orsign']),
    signers: Type.Integer({ minimum: 1, maximum: 20 }),
    final: Type.Boolean(),
    returnTo: Type.Array(Type.String({ maxLength: 40 }), { maxItems: 20 }),
  },
  { additionalProperties: false },
);
const ProcedureInput = Type.Object(
  { code: Type.String({ maxLength: 40 }), name: Type.String({ maxLength: 100 }), departmentId: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]), steps: Type.Array(Step, { minItems: 1, maxItems: 20 }) },
  { additionalProperties: false },
);
const ProcedureView = Type.Object({ id: Type.Integer(), code: Type.String(), version: Type.Integer(), name: Type.String(), departmentId: Type.Union([Type.Integer(), Type.Null()]), steps: Type.Array(Step), createdAt: Type.String() });

/**
 * Department procedures (办理程序) as versioned data. A new version applies to cases accepted
 * after it; running cases keep the version they started with. Admin only; read by any staff.
 */
export function procedureRoutes(s: Services): FastifyPluginAsyncTypebox {
  return async (app) => {
    const db = s.database.db;
    app.get(
      '/api/v1/procedures',
      { schema: { tags: ['procedures'], summary: 'Every procedure version, newest first', security: SECURED, response: withErrors({ 200: Type.Object({ items: Type.Array(ProcedureView) }) }) }, onRequest: authorize({ roles: ['admin', 'reviewer', 'approver', 'clerk', 'supervisor'], apiKeyScope: 'catalog:read' }) },
      async () => {
        const rows = await db.selectFrom('procedure_definition').selectAll().orderBy('code').orderBy('version', 'desc').execute();
        return { items: rows.map((r) => ({ id: r.id, code: r.code, version: r.version, name: r.name, departmentId: r.department_id, steps: (r.definition as ProcedureDefinition).steps, createdAt: r.created_at.toISOString() })) };
      },
    );
    app.post(
      '/api/v1/procedures',
      { schema: { tags: ['procedures'], summary: 'Add a procedure version (for a department, or the platform default when departmentId is null)', security: SECURED, body: ProcedureInput, response: withErrors({ 201: ProcedureView }) }, onRequest: authorize({ roles: ['admin'], apiKeyScope: 'catalog:write' }) },
      async (req, reply) => {
        const ctx = requestContext(req);
        const row = await inTransaction(db, async (trx) => {
          if (req.body.departmentId !== null && !(await trx.selectFrom('department').select('id').where('id', '=', req.body.departmentId).executeTakeFirst())) {
            throw new AppError(ErrorCode.VALIDATION_FAILED, { zh: '部门不存在', en: 'No such department' }, [{ path: '/departmentId', message: String(req.body.departmentId) }]);
          }
          const last = await trx.selectFrom('procedure_definition').select((eb) => eb.fn.max('version').as('v')).where('code', '=', req.body.code).executeTakeFirst();
          const version = Number(last?.v ?? 0) + 1;
          const checked = validateProcedure({ code: req.body.code, version, name: req.body.name, steps: req.body.steps });
          if (!checked.ok) throw new AppError(ErrorCode.VALIDATION_FAILED, { zh: '办理程序定义有误', en: 'The procedure definition is invalid' }, checked.problems);
          const inserted = await trx
            .insertInto('procedure_definition')
            .values({ code: req.body.code, version, name: req.body.name, department_id: req.body.departmentId, definition: JSON.stringify(checked.procedure), created_by: ctx.actor!.userId })
            .returningAll()
            .executeTakeFirstOrThrow();
          await s.audit.record(trx, ctx, { chainKey: `procedure:${req.body.code}`, action: 'procedure.create', targetType: 'procedure_definition', targetId: inserted.id, summary: { version, departmentId: req.body.departmentId, steps: checked.procedure.steps.map((x) => x.key) } });
          return inserted;
        });
        return reply.status(201).send({ id: row.id, code: row.code, version: row.version, name: row.name, departmentId: row.department_id, steps: (row.definition as ProcedureDefinition).steps, createdAt: row.created_at.toISOString() });
      },
    );
  };
}
