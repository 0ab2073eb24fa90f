/**
 * Part 2's data: a city's worth of approval history in one database — `cases` approval cases
 * (default 1,000,000), 4 per application (so 250,000 applications and as many projects of 1,000
 * enterprises), one task per case. Every case is one of the catalog's published matters, so
 * cases spread over all 8 departments as the catalog does; ~8% are still being handled with an
 * open task (承办/审核/签发; a quarter of them claimed by a named person, the rest in the
 * department's pool; 3% of them waiting for a supplement, the clock paused), due from 30 days ago to 30 days ahead; the rest concluded long ago with
 * their task done. Open clocks are marked as already warned (the warning job's steady state).
 * Each application's search row (application_search) is written by the server's own code.
 *
 * Generated with INSERT … SELECT generate_series in one session, foreign-key triggers off
 * (session_replication_role = replica: the rows are built consistent) and a deterministic hash
 * per (row, attribute) so the tables agree with each other without reading back.
 */
import pg from 'pg';
import { usccCheckChar } from '@tongban/contracts';
import { openDatabase } from '../../apps/server/src/db/database.ts';
import { refreshAllApplicationSearch } from '../../apps/server/src/modules/workflow/application-search.ts';

export interface GeneratedWorld {
  cases: number;
  applications: number;
  projects: number;
  enterprises: number;
  tasks: number;
  openTasks: number;
  seconds: number;
  /** Table and index sizes after ANALYZE. */
  sizes: Record<string, string>;
  /** The number of an application with a task in 住建's reviewer pool, for the search-by-number variant. */
  sampleNumber: string;
  /** Its project's name. */
  sampleProjectName: string;
}

const ENTERPRISES = 1000;
export const OPEN_SHARE = 0.08;
/** Of the open cases, waiting for the applicant's supplement (补正: clock paused, task still open). */
const PAUSED_SHARE = 0.03;

/** Enterprise names and USCCs with valid check characters. */
function enterprises(n: number) {
  const words = ['苏州', '姑苏', '园区', '吴中', '相城', '昆山', '太仓', '常熟'];
  const trades = ['置业', '建设', '科技', '新材料', '城投', '实业', '物流', '医药', '电子', '智造'];
  return Array.from({ length: n }, (_, i) => {
    const first17 = `91320${String(500 + (i % 100)).padStart(3, '0')}MA${String(i).padStart(7, '0')}`;
    return { uscc: first17 + usccCheckChar(first17), name: `${words[i % words.length]}${trades[Math.floor(i / words.length) % trades.length]}第${i + 1}有限公司`, region: i % 3 === 0 ? '320571' : '320508' };
  });
}

/** Generates the world next to the template application (which supplies process, stage and procedure ids). */
export async function generateWorld(dbUrl: string, templateId: number, cases: number): Promise<GeneratedWorld> {
  const t0 = performance.now();
  const c = new pg.Client({ connectionString: dbUrl });
  await c.connect();
  const q = <R extends pg.QueryResultRow = Record<string, unknown>>(text: string, values?: unknown[]) => c.query<R>(text, values);
  const apps = Math.ceil(cases / 4);
  try {
    await q(`SET session_replication_role = replica`);
    await q(`SET synchronous_commit = off`);
    await q(`SET maintenance_work_mem = '256MB'`);
    // r(x, salt): a uniform [0,1) draw per row and attribute.
    await q(`CREATE FUNCTION pg_temp.r(x bigint, salt int) RETURNS float8 LANGUAGE sql IMMUTABLE AS $$ SELECT (hashint8(x * 64 + salt)::bigint & 2147483647) / 2147483648.0 $$`);
    await q(`CREATE FUNCTION pg_temp.case_open(app bigint, i int) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT pg_temp.r(app * 4 + i, 1) < ${OPEN_SHARE} $$`);

    const ents = enterprises(ENTERPRISES);
    await q(
      `INSERT INTO enterprise (uscc, name, region_code) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])`,
      [ents.map((e) => e.uscc), ents.map((e) => e.name), ents.map((e) => e.region)],
    );
    await q(`CREATE TEMP TABLE be AS SELECT row_number() OVER (ORDER BY id) - 1 AS idx, id, region_code FROM enterprise WHERE uscc = ANY($1)`, [ents.map((e) => e.uscc)]);
    await q(`CREATE TEMP TABLE bm AS
      SELECT row_number() OVER (ORDER BY m.id) - 1 AS idx, m.id AS matter_id, v.id AS version_id, m.code, v.name, v.department_id, v.limit_kind, v.promised_limit_days, v.legal_limit_days
      FROM matter m JOIN matter_version v ON v.matter_id = m.id AND v.status = 'published'`);
    const matters = Number((await q<{ n: string }>(`SELECT count(*) AS n FROM bm`)).rows[0]!.n);
    if (matters < 4) throw new Error('the catalog has fewer than 4 published matters');
    await q(`CREATE TEMP TABLE bu AS SELECT department_id, role, array_agg(id ORDER BY id) AS ids FROM app_user WHERE role IN ('reviewer', 'approver') AND NOT disabled GROUP BY 1, 2`);
    const tpl = (await q(`SELECT * FROM application WHERE id = $1`, [templateId])).rows[0]!;
    const procedureId = (await q<{ procedure_id: number }>(`SELECT procedure_id FROM approval_case WHERE application_id = $1 LIMIT 1`, [templateId])).rows[0]!.procedure_id;
    const base = (await q<{ p: number; a: number }>(`SELECT (SELECT coalesce(max(id), 0) FROM project) AS p, (SELECT coalesce(max(id), 0) FROM application) AS a`)).rows[0]!;
    // Four distinct matters per application: offsets 0, 5, 10, 15 modulo the catalog size.
    const step = matters >= 16 ? 5 : 1;

    await q('BEGIN');
    await q(
      `INSERT INTO project (id, code, enterprise_id, name, project_type, region_code, investment, land_area, floor_area, location, created_by, created_at, updated_at)
       OVERRIDING SYSTEM VALUE
       SELECT $1::int + g, '2024-' || be.region_code || '-47-01-' || lpad(g::text, 6, '0'), be.id,
              (ARRAY['姑苏','园区','吴中','相城','虎丘','吴江','昆山','太仓'])[1 + g % 8] || (ARRAY['花园','广场','科技园','产业园','住宅','学校','医院','商业中心','物流园','数据中心'])[1 + (g / 8) % 10] || '项目' || g,
              3, be.region_code, 1000 + pg_temp.r(g, 2) * 90000, 5000 + pg_temp.r(g, 3) * 50000, 10000 + pg_temp.r(g, 4) * 200000, '苏州市示范路 ' || g || ' 号', $2::int,
              now() - interval '800 days', now() - interval '800 days'
       FROM generate_series(1, $3::int) g JOIN be ON be.idx = g % ${ENTERPRISES}`,
      [base.p, tpl.created_by, apps],
    );
    // An application is accepted (still running) while one of its cases is open, else concluded.
    await q(
      `INSERT INTO application (id, number, project_id, enterprise_id, region_code, process_version_id, process_stage_id, stage_code, lead_department_id, stage_limit_days, stage_due_date,
                                answers, selection, form, status, national_code, outcome, created_by, accepted_by, submitted_at, accepted_at, concluded_at, version, created_at, updated_at)
       OVERRIDING SYSTEM VALUE
       SELECT x.id, 'SB' || to_char(x.accepted_at, 'YYYY') || lpad(x.id::text, 7, '0'), x.project_id, p.enterprise_id, p.region_code, $2::int, $3::int, $4::int, $5::int, $6::int, (x.accepted_at + interval '30 days')::date,
              $7::jsonb, $8::jsonb, $9::jsonb, CASE WHEN x.running THEN 'accepted' ELSE 'concluded' END, CASE WHEN x.running THEN 3 ELSE 11 END, CASE WHEN x.running THEN NULL ELSE 'approved' END,
              $10::int, $11::int, x.accepted_at - interval '2 days', x.accepted_at, CASE WHEN x.running THEN NULL ELSE x.accepted_at + interval '25 days' END, 12, x.accepted_at - interval '5 days', x.accepted_at
       FROM (SELECT $1::int + g AS id, $12::int + g AS project_id,
                    (pg_temp.case_open($1::int + g, 0) OR pg_temp.case_open($1::int + g, 1) OR pg_temp.case_open($1::int + g, 2) OR pg_temp.case_open($1::int + g, 3)) AS running,
                    now() - make_interval(days => (pg_temp.r(g, 5) * 700)::int) AS accepted_at
             FROM generate_series(1, $13::int) g) x
       JOIN project p ON p.id = x.project_id`,
      [base.a, tpl.process_version_id, tpl.process_stage_id, tpl.stage_code, tpl.lead_department_id, tpl.stage_limit_days, JSON.stringify(tpl.answers), JSON.stringify(tpl.selection), JSON.stringify(tpl.form), tpl.created_by, tpl.accepted_by, base.p, apps],
    );
    // Cases: open ones are at a step (0 承办, 1 审核, 2 签发) with a due date from -30 to +30 days.
    await q(
      `INSERT INTO approval_case (id, application_id, seq, matter_id, matter_version_id, matter_code, matter_name, department_id, region_code, procedure_id, status, national_code,
                                  step_key, round, proposal, started_at, concluded_at, limit_kind, limit_days, legal_limit_days, due_date, warn_date, yellow_notified_at, red_notified_at, pauses, version, created_at, updated_at)
       SELECT md5('gc:' || a.id || ':' || i)::uuid, a.id, i + 1, bm.matter_id, bm.version_id, bm.code, bm.name, bm.department_id, a.region_code, $1::int,
              CASE WHEN o.paused THEN 'supplement' WHEN o.open THEN 'handling' ELSE 'approved' END, CASE WHEN o.paused THEN 6 WHEN o.open THEN 8 ELSE 11 END,
              CASE WHEN o.open THEN (ARRAY['handle','review','sign'])[1 + o.step] END, CASE WHEN o.open THEN 1 + o.step ELSE 3 END, CASE WHEN o.open AND o.step > 0 THEN 'approve' END,
              a.accepted_at, CASE WHEN o.open THEN NULL ELSE a.accepted_at + interval '20 days' END, bm.limit_kind, bm.promised_limit_days, bm.legal_limit_days,
              o.due, o.due - 4,
              CASE WHEN o.open AND o.due - 4 <= current_date THEN now() END, CASE WHEN o.open AND o.due < current_date THEN now() END,
              CASE WHEN o.paused THEN jsonb_build_array(jsonb_build_object('kind', 'supplement', 'procedure', NULL, 'reason', '补正材料', 'from', to_char((now() - interval '3 days') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), 'to', NULL)) ELSE '[]'::jsonb END,
              CASE WHEN o.open THEN 1 + 2 * o.step ELSE 7 END, a.accepted_at, a.accepted_at
       FROM application a
       CROSS JOIN generate_series(0, 3) i
       CROSS JOIN LATERAL (SELECT pg_temp.case_open(a.id, i) AS open, pg_temp.case_open(a.id, i) AND pg_temp.r(a.id * 4 + i, 9) < ${PAUSED_SHARE} AS paused, (pg_temp.r(a.id * 4 + i, 6) * 3)::int % 3 AS step,
                                  CASE WHEN pg_temp.case_open(a.id, i) THEN current_date + (pg_temp.r(a.id * 4 + i, 7) * 61)::int - 30 ELSE (a.accepted_at + interval '14 days')::date END AS due) o
       JOIN bm ON bm.idx = (a.id + i * ${step}) % ${matters}
       WHERE a.id > $2::int`,
      [procedureId, base.a],
    );
    // One task per case: the open step's task (a quarter claimed by a named person), or the done 签发.
    await q(
      `INSERT INTO task (id, application_id, case_id, step_key, round, role, department_id, status, assignee_id, claimed, origin, decision, opinion, due_date, warn_date, created_at, completed_at, completed_by, version)
       SELECT md5('gt:' || c.id)::uuid, c.application_id, c.id, x.step_key, c.round, x.role, c.department_id, x.status,
              CASE WHEN x.status = 'done' OR x.claimed THEN pp.person END, x.status = 'done' OR x.claimed, 'step',
              CASE WHEN x.status = 'done' THEN 'approve' END, CASE WHEN x.status = 'done' THEN '同意' END, c.due_date, c.warn_date,
              CASE WHEN x.status = 'done' THEN c.concluded_at - interval '1 day' ELSE c.started_at + interval '1 day' END,
              CASE WHEN x.status = 'done' THEN c.concluded_at END, CASE WHEN x.status = 'done' THEN pp.person END, CASE WHEN x.claimed THEN 2 ELSE 1 END
       FROM approval_case c
       CROSS JOIN LATERAL (SELECT coalesce(c.step_key, 'sign') AS step_key, CASE WHEN coalesce(c.step_key, 'sign') = 'sign' THEN 'approver' ELSE 'reviewer' END AS role,
                                  CASE WHEN c.status IN ('handling', 'supplement') THEN 'open' ELSE 'done' END AS status,
                                  c.status IN ('handling', 'supplement') AND pg_temp.r(c.application_id * 4 + c.seq, 8) < 0.25 AS claimed) x
       JOIN bu ON bu.department_id = c.department_id AND bu.role = x.role
       CROSS JOIN LATERAL (SELECT bu.ids[1 + (c.application_id + c.seq) % cardinality(bu.ids)] AS person) pp
       WHERE c.application_id > $1::int`,
      [base.a],
    );
    await q(`SELECT setval(pg_get_serial_sequence('project', 'id'), $1::int), setval(pg_get_serial_sequence('application', 'id'), $2::int)`, [base.p + apps, base.a + apps]);
    await q('COMMIT');
    await q(`SET session_replication_role = origin`);
    // Search rows, in batches, by the code the server writes them with.
    const database = await openDatabase({ databaseUrl: dbUrl, dataDir: null, poolSize: 1 });
    try {
      await refreshAllApplicationSearch(database.db, { afterId: base.a, batch: 5000 });
    } finally {
      await database.close();
    }
    // Old rows are all-visible once (auto)vacuum has passed: the steady state of a real database.
    await q(`VACUUM ANALYZE`);
    const counts = (
      await q<Record<string, string>>(`SELECT (SELECT count(*) FROM approval_case) AS cases, (SELECT count(*) FROM application) AS apps, (SELECT count(*) FROM project) AS projects, (SELECT count(*) FROM enterprise) AS enterprises,
                      (SELECT count(*) FROM task) AS tasks, (SELECT count(*) FROM task WHERE status = 'open') AS open`)
    ).rows[0]!;
    const sizes: Record<string, string> = {};
    for (const t of ['task', 'approval_case', 'application', 'project', 'application_search']) {
      const r = (await q<{ t: string; i: string }>(`SELECT pg_size_pretty(pg_table_size($1)) AS t, pg_size_pretty(pg_indexes_size($1)) AS i`, [t])).rows[0]!;
      sizes[t] = `${r.t} + ${r.i} indexes`;
    }
    // An application with a task in 住建's reviewer pool: what a reviewer would search for.
    const sample = (
      await q<{ number: string; name: string }>(
        `SELECT a.number, p.name FROM task t JOIN application a ON a.id = t.application_id JOIN project p ON p.id = a.project_id JOIN department d ON d.id = t.department_id
         WHERE t.status = 'open' AND t.assignee_id IS NULL AND t.role = 'reviewer' AND d.code = 'SZ-ZJJ' AND a.id > $1 ORDER BY a.id LIMIT 1`,
        [base.a],
      )
    ).rows[0]!;
    return {
      cases: Number(counts.cases),
      applications: Number(counts.apps),
      projects: Number(counts.projects),
      enterprises: Number(counts.enterprises),
      tasks: Number(counts.tasks),
      openTasks: Number(counts.open),
      seconds: Math.round((performance.now() - t0) / 1000),
      sizes,
      sampleNumber: sample.number,
      sampleProjectName: sample.name,
    };
  } catch (err) {
    await q('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await c.end();
  }
}
