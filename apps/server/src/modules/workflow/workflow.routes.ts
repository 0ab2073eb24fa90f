import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  AcceptBody,
  AnswersUpdate,
  ApplicationCreate,
  ApplicationStatus,
  ApplicationSummary,
  ApplicationView,
  CalendarDay,
  CalendarYearInput,
  CalendarYearView,
  CaseView,
  EnterpriseRegistration,
  ErrorCode,
  FormUpdate,
  HistoryEntry,
  MaterialView,
  NotificationView,
  ProjectCreate,
  ProjectUpdate,
  ProjectView,
  ReasonBody,
  SpecialEnd,
  SpecialStart,
  SupervisionBoard,
  SupplementRequest,
  TaskAddSigner,
  TaskComplete,
  TaskHandOver,
  TaskQuery,
  TaskReturn,
  TaskView,
  VersionOnly,
} from '@tongban/contracts';
import { authorize, requestContext } from '../../plugins/auth.ts';
import { IdParams, pageOf, Paging, SECURED, withErrors } from '../../lib/http-schemas.ts';
import { AppError } from '../../lib/errors.ts';
import { sendFile } from '../../lib/send-file.ts';
import type { Services } from '../../services.ts';

const applicant = authorize({ roles: ['applicant'], apiKeyScope: 'applications:write' });
const clerk = authorize({ roles: ['clerk'], apiKeyScope: 'applications:write' });
const department = authorize({ roles: ['reviewer', 'approver'], apiKeyScope: 'tasks:write' });
const reader = authorize({ roles: ['applicant', 'clerk', 'reviewer', 'approver', 'supervisor', 'admin'], apiKeyScope: 'applications:read' });
const projectWriter = authorize({ roles: ['applicant', 'admin'], apiKeyScope: 'applications:write' });
const supervisor = authorize({ roles: ['supervisor', 'admin'], apiKeyScope: 'applications:read' });
const admin = authorize({ roles: ['admin'], apiKeyScope: 'catalog:write' });
const anyone = authorize({ roles: 'any', apiKeyScope: 'applications:read' });

const Uuid = Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' });
const TaskParams = Type.Object({ id: Uuid }, { additionalProperties: false });
const CaseParams = Type.Object({ caseId: Uuid }, { additionalProperties: false });
const AppCaseParams = Type.Object({ id: IdParams.properties.id, caseId: Uuid }, { additionalProperties: false });
const MaterialParams = Type.Object({ id: IdParams.properties.id, materialId: IdParams.properties.id }, { additionalProperties: false });
const YearParams = Type.Object({ year: Type.Integer({ minimum: 2000, maximum: 2100 }) }, { additionalProperties: false });
const ActionResult = Type.Object({
  applicationId: Type.Integer(),
  caseId: Type.String(),
  version: Type.Integer(),
  events: Type.Array(Type.Object({ type: Type.String(), caseId: Type.Union([Type.String(), Type.Null()]), taskId: Type.Union([Type.String(), Type.Null()]) })),
});
const CaseDetail = Type.Object({ ...CaseView.properties, history: Type.Array(HistoryEntry), applicationNumber: Type.Union([Type.String(), Type.Null()]) });
const UPLOAD_TYPES = ['application/octet-stream', 'application/pdf', 'image/png', 'image/jpeg', 'application/zip'];

/** Projects, applications, the window, the department inbox, the clock and supervision. */
export function workflowRoutes(s: Services): FastifyPluginAsyncTypebox {
  return async (app) => {
    const apps = s.applications;
    const tasks = s.tasks;
    const tag = (t: string) => ({ tags: [t], security: SECURED });

    // ---- registration and projects
    app.post(
      '/api/v1/register',
      {
        schema: { tags: ['enterprises'], summary: 'Enterprise self-registration with its first applicant account (public)', body: EnterpriseRegistration, response: withErrors({ 201: Type.Object({ enterpriseId: Type.Integer(), userId: Type.Integer(), username: Type.String() }) }) },
      },
      async (req, reply) => reply.status(201).send(await s.projects.register(requestContext(req), req.body)),
    );
    app.get(
      '/api/v1/projects',
      { schema: { ...tag('projects'), summary: 'Projects in the caller scope', querystring: Type.Object({ q: Type.Optional(Type.String({ maxLength: 100 })), ...Paging }, { additionalProperties: false }), response: withErrors({ 200: pageOf(ProjectView) }) }, onRequest: reader },
      async (req) => s.projects.list(req.actor!, req.query),
    );
    app.get('/api/v1/projects/:id', { schema: { ...tag('projects'), summary: 'One project', params: IdParams, response: withErrors({ 200: ProjectView }) }, onRequest: reader }, async (req) => s.projects.get(req.actor!, req.params.id));
    app.post('/api/v1/projects', { schema: { ...tag('projects'), summary: 'Register a project (project code checked)', body: ProjectCreate, response: withErrors({ 201: ProjectView }) }, onRequest: projectWriter }, async (req, reply) =>
      reply.status(201).send(await s.projects.create(requestContext(req), req.body)),
    );
    app.put('/api/v1/projects/:id', { schema: { ...tag('projects'), summary: 'Change a project', params: IdParams, body: ProjectUpdate, response: withErrors({ 200: ProjectView }) }, onRequest: projectWriter }, async (req) =>
      s.projects.update(requestContext(req), req.params.id, req.body),
    );

    // ---- applications
    app.get(
      '/api/v1/applications',
      {
        schema: {
          ...tag('applications'),
          summary: 'Stage applications in the caller scope, newest first',
          querystring: Type.Object({ status: Type.Optional(ApplicationStatus), projectId: Type.Optional(Type.Integer({ minimum: 1 })), q: Type.Optional(Type.String({ maxLength: 100 })), ...Paging }, { additionalProperties: false }),
          response: withErrors({ 200: pageOf(ApplicationSummary) }),
        },
        onRequest: reader,
      },
      async (req) => apps.list(req.actor!, req.query),
    );
    app.post('/api/v1/applications', { schema: { ...tag('applications'), summary: 'Start a stage application from guided answers (draft)', body: ApplicationCreate, response: withErrors({ 201: ApplicationView }) }, onRequest: applicant }, async (req, reply) =>
      reply.status(201).send(await apps.create(requestContext(req), req.body)),
    );
    app.get('/api/v1/applications/:id', { schema: { ...tag('applications'), summary: 'One application with its form, materials, cases, clocks and history of returns', params: IdParams, response: withErrors({ 200: ApplicationView }) }, onRequest: reader }, async (req) =>
      apps.view(req.actor!, req.params.id),
    );
    app.get('/api/v1/applications/:id/history', { schema: { ...tag('applications'), summary: 'Every workflow event of the application', params: IdParams, response: withErrors({ 200: Type.Object({ items: Type.Array(HistoryEntry) }) }) }, onRequest: reader }, async (req) => ({
      items: await apps.applicationHistory(req.actor!, req.params.id),
    }));
    app.put('/api/v1/applications/:id/answers', { schema: { ...tag('applications'), summary: 'Change the guided answers of a draft (re-selects the matters)', params: IdParams, body: AnswersUpdate, response: withErrors({ 200: ApplicationView }) }, onRequest: applicant }, async (req) =>
      apps.updateAnswers(requestContext(req), req.params.id, req.body.version, req.body.answers),
    );
    app.patch('/api/v1/applications/:id/form', { schema: { ...tag('applications'), summary: 'Autosave unified-form values (types checked; null clears)', params: IdParams, body: FormUpdate, response: withErrors({ 200: ApplicationView }) }, onRequest: applicant }, async (req) =>
      apps.updateForm(requestContext(req), req.params.id, req.body.version, req.body.values),
    );

    // Materials: the body is the file itself, streamed to storage (never buffered whole).
    for (const type of UPLOAD_TYPES) {
      if (!app.hasContentTypeParser(type)) app.addContentTypeParser(type, (_req, payload, done) => done(null, payload));
    }
    app.post(
      '/api/v1/applications/:id/materials',
      {
        schema: {
          ...tag('applications'),
          summary: 'Upload a file for a material requirement (body: the file; X-File-Name: URI-encoded name). Type sniffed from content.',
          params: IdParams,
          querystring: Type.Object({ requirementId: Type.Integer({ minimum: 1, maximum: 2147483647 }) }, { additionalProperties: false }),
          response: withErrors({ 201: MaterialView }),
        },
        bodyLimit: 2048 * 1024 * 1024,
        onRequest: applicant,
      },
      async (req, reply) => {
        const body = req.body as NodeJS.ReadableStream | undefined;
        if (!body || typeof (body as { pipe?: unknown }).pipe !== 'function') throw new AppError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, { zh: `请以 ${UPLOAD_TYPES.join('、')} 上传文件`, en: `Upload the file as one of ${UPLOAD_TYPES.join(', ')}` });
        let name = 'file';
        try {
          name = decodeURIComponent(String(req.headers['x-file-name'] ?? 'file'));
        } catch {
          throw new AppError(ErrorCode.VALIDATION_FAILED, { zh: 'X-File-Name 编码无效', en: 'X-File-Name is not valid URI encoding' });
        }
        return reply.status(201).send(await apps.uploadMaterial(requestContext(req), req.params.id, req.query.requirementId, name, req.body as never));
      },
    );
    app.get('/api/v1/applications/:id/materials/:materialId/content', { schema: { ...tag('applications'), summary: 'Download a material (audited)', params: MaterialParams }, onRequest: reader }, async (req, reply) => {
      const f = await apps.openMaterial(requestContext(req), req.params.id, req.params.materialId);
      return sendFile(reply, f);
    });
    app.delete('/api/v1/applications/:id/materials/:materialId', { schema: { ...tag('applications'), summary: 'Remove a material from a draft', params: MaterialParams, response: withErrors({ 204: Type.Null() }) }, onRequest: applicant }, async (req, reply) => {
      await apps.removeMaterial(requestContext(req), req.params.id, req.params.materialId);
      return reply.status(204).send(null);
    });

    const viewOf = { params: IdParams, response: withErrors({ 200: ApplicationView }) };
    app.post('/api/v1/applications/:id/submit', { schema: { ...tag('applications'), summary: 'Submit (or resubmit after a window supplement request); 422 lists what is missing', ...viewOf, body: VersionOnly }, onRequest: applicant }, async (req) =>
      apps.submit(requestContext(req), req.params.id, req.body.version),
    );
    app.post('/api/v1/applications/:id/withdraw', { schema: { ...tag('applications'), summary: 'Withdraw before conclusion', ...viewOf, body: ReasonBody }, onRequest: applicant }, async (req) =>
      apps.withdraw(requestContext(req), req.params.id, req.body.reason, req.body.version),
    );
    app.post('/api/v1/applications/:id/deficiency-done', { schema: { ...tag('applications'), summary: 'Declare the deficiency items made up (容缺补齐)', ...viewOf }, onRequest: applicant }, async (req) =>
      apps.satisfyDeficiency(requestContext(req), req.params.id),
    );
    app.post('/api/v1/applications/:id/cases/:caseId/supplement-done', { schema: { ...tag('applications'), summary: "Tell a department its supplement request is answered (the case's clock resumes)", params: AppCaseParams, response: withErrors({ 200: ApplicationView }) }, onRequest: applicant }, async (req) =>
      apps.endCaseSupplement(requestContext(req), req.params.id, req.params.caseId),
    );

    // ---- the window
    app.post('/api/v1/applications/:id/accept', { schema: { ...tag('window'), summary: 'Accept (受理), optionally with deficiency (容缺受理); fans out into cases', ...viewOf, body: AcceptBody }, onRequest: clerk }, async (req) =>
      apps.accept(requestContext(req), req.params.id, req.body),
    );
    app.post('/api/v1/applications/:id/not-accept', { schema: { ...tag('window'), summary: 'Not accept (不受理: outside the scope of this window)', ...viewOf, body: ReasonBody }, onRequest: clerk }, async (req) =>
      apps.notAccept(requestContext(req), req.params.id, req.body.reason, req.body.version),
    );
    app.post('/api/v1/applications/:id/refuse', { schema: { ...tag('window'), summary: 'Refuse (不予受理) with reasons', ...viewOf, body: ReasonBody }, onRequest: clerk }, async (req) =>
      apps.refuse(requestContext(req), req.params.id, req.body.reason, req.body.version),
    );
    app.post('/api/v1/applications/:id/request-supplement', { schema: { ...tag('window'), summary: 'Ask for supplements with the complete list (一次性告知)', ...viewOf, body: SupplementRequest }, onRequest: clerk }, async (req) =>
      apps.requestSupplement(requestContext(req), req.params.id, req.body.items, req.body.version),
    );

    // ---- tasks
    app.get('/api/v1/tasks', { schema: { ...tag('tasks'), summary: "The caller's inbox, by due date", querystring: TaskQuery, response: withErrors({ 200: pageOf(TaskView) }) }, onRequest: department }, async (req) => tasks.inbox(req.actor!, req.query));
    const act = { params: TaskParams, response: withErrors({ 200: ActionResult }) };
    app.get('/api/v1/tasks/:id/candidates', { schema: { ...tag('tasks'), summary: 'Colleagues a task can be transferred, delegated or co-signed to', params: TaskParams }, onRequest: department }, async (req) => tasks.candidates(req.actor!, req.params.id));
    app.post('/api/v1/tasks/:id/claim', { schema: { ...tag('tasks'), summary: 'Claim a pool task (签收)', ...act, body: VersionOnly }, onRequest: department }, async (req) => tasks.claim(requestContext(req), req.params.id, req.body.version));
    app.post('/api/v1/tasks/:id/complete', { schema: { ...tag('tasks'), summary: 'Complete with a decision and opinion (办理)', ...act, body: TaskComplete }, onRequest: department }, async (req) => tasks.complete(requestContext(req), req.params.id, req.body));
    app.post('/api/v1/tasks/:id/return', { schema: { ...tag('tasks'), summary: 'Return to an earlier step (退回)', ...act, body: TaskReturn }, onRequest: department }, async (req) => tasks.returnTo(requestContext(req), req.params.id, req.body));
    app.post('/api/v1/tasks/:id/transfer', { schema: { ...tag('tasks'), summary: 'Transfer to a colleague (转办)', ...act, body: TaskHandOver }, onRequest: department }, async (req) => tasks.transfer(requestContext(req), req.params.id, req.body));
    app.post('/api/v1/tasks/:id/delegate', { schema: { ...tag('tasks'), summary: 'Delegate; it comes back when done (委派)', ...act, body: TaskHandOver }, onRequest: department }, async (req) => tasks.delegate(requestContext(req), req.params.id, req.body));
    app.post('/api/v1/tasks/:id/add-signer', { schema: { ...tag('tasks'), summary: 'Add a co-signer to this step (加签)', ...act, body: TaskAddSigner }, onRequest: department }, async (req) => tasks.addSigner(requestContext(req), req.params.id, req.body));

    // ---- cases
    app.get('/api/v1/cases/:caseId', { schema: { ...tag('cases'), summary: 'One case with tasks, clock and history', params: CaseParams, response: withErrors({ 200: CaseDetail }) }, onRequest: reader }, async (req) => tasks.caseView(req.actor!, req.params.caseId));
    const caseAct = { params: CaseParams, response: withErrors({ 200: ActionResult }) };
    app.post('/api/v1/cases/:caseId/request-supplement', { schema: { ...tag('cases'), summary: 'Ask the applicant for supplements; the clock stops (补正)', ...caseAct, body: SupplementRequest }, onRequest: department }, async (req) =>
      tasks.requestSupplement(requestContext(req), req.params.caseId, req.body.items),
    );
    app.post('/api/v1/cases/:caseId/special/start', { schema: { ...tag('cases'), summary: 'Start a special procedure; the clock stops (特别程序)', ...caseAct, body: SpecialStart }, onRequest: department }, async (req) =>
      tasks.startSpecial(requestContext(req), req.params.caseId, req.body.procedure, req.body.reason),
    );
    app.post('/api/v1/cases/:caseId/special/end', { schema: { ...tag('cases'), summary: 'End the special procedure; the clock resumes', ...caseAct, body: SpecialEnd }, onRequest: department }, async (req) =>
      tasks.endSpecial(requestContext(req), req.params.caseId, req.body.result),
    );
    app.post('/api/v1/cases/:caseId/withdraw-step', { schema: { ...tag('cases'), summary: 'Take back your last step while the next has not been acted on (撤回)', ...caseAct }, onRequest: department }, async (req) =>
      tasks.withdrawStep(requestContext(req), req.params.caseId),
    );

    // ---- supervision and notifications
    app.get(
      '/api/v1/supervision/clock',
      {
        schema: {
          ...tag('supervision'),
          summary: 'Warning (yellow) and overdue (red) cases of the region',
          querystring: Type.Object({ level: Type.Optional(Type.Enum(['yellow', 'red'])), departmentId: Type.Optional(Type.Integer({ minimum: 1 })), ...Paging }, { additionalProperties: false }),
          response: withErrors({ 200: SupervisionBoard }),
        },
        onRequest: supervisor,
      },
      async (req) => s.supervision.board(req.actor!, req.query),
    );
    app.get(
      '/api/v1/notifications',
      {
        schema: { ...tag('notifications'), summary: "The caller's notifications", querystring: Type.Object({ unread: Type.Optional(Type.Boolean()), ...Paging }, { additionalProperties: false }), response: withErrors({ 200: Type.Object({ items: Type.Array(NotificationView), total: Type.Integer(), unread: Type.Integer() }) }) },
        onRequest: anyone,
      },
      async (req) => s.supervision.notifications(req.actor!, req.query),
    );
    app.post('/api/v1/notifications/:id/read', { schema: { ...tag('notifications'), summary: 'Mark one notification read', params: IdParams, response: withErrors({ 204: Type.Null() }) }, onRequest: anyone }, async (req, reply) => {
      await s.supervision.markRead(requestContext(req), req.params.id);
      return reply.status(204).send(null);
    });

    // ---- calendar
    app.get('/api/v1/calendar/years', { schema: { ...tag('calendar'), summary: 'Official calendar years: from the package, entered by an admin, or missing', response: withErrors({ 200: Type.Object({ items: Type.Array(CalendarYearView) }) }) }, onRequest: anyone }, async () => ({
      items: await s.calendars.listYears(),
    }));
    app.get(
      '/api/v1/calendar/days',
      {
        schema: {
          ...tag('calendar'),
          summary: 'Working day or not, per date (at most 400 days)',
          querystring: Type.Object({ from: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }), to: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }) }, { additionalProperties: false }),
          response: withErrors({ 200: Type.Object({ items: Type.Array(CalendarDay) }) }),
        },
        onRequest: anyone,
      },
      async (req) => {
        const { from, to } = req.query;
        if (Number.isNaN(Date.parse(from)) || Number.isNaN(Date.parse(to)) || from > to) throw new AppError(ErrorCode.VALIDATION_FAILED, { zh: '日期范围无效', en: 'Invalid date range' });
        return { items: s.calendars.days(await s.calendars.calendar(), from, to) };
      },
    );
    app.put('/api/v1/calendar/years/:year', { schema: { ...tag('calendar'), summary: "Enter a year's official notice (holidays and make-up working days); overrides the package", params: YearParams, body: CalendarYearInput, response: withErrors({ 200: CalendarYearView }) }, onRequest: admin }, async (req) => {
      return s.calendars.saveYear(requestContext(req), req.params.year, req.body);
    });
    app.delete('/api/v1/calendar/years/:year', { schema: { ...tag('calendar'), summary: 'Remove an entered year (back to the package or plain weekdays)', params: YearParams, response: withErrors({ 204: Type.Null() }) }, onRequest: admin }, async (req, reply) => {
      await s.calendars.deleteYear(requestContext(req), req.params.year);
      return reply.status(204).send(null);
    });
  };
}
