import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import type { Clock } from './lib/clock.ts';
import { ApiKeysService } from './modules/accounts/api-keys.service.ts';
import { AuthService } from './modules/accounts/auth.service.ts';
import { UsersService } from './modules/accounts/users.service.ts';
import { AuditService } from './modules/audit/audit.service.ts';
import { OrganizationService } from './modules/organization/organization.service.ts';
import { MattersService } from './modules/catalog/matters.service.ts';
import { ProcessesService } from './modules/catalog/processes.service.ts';
import { CatalogExcelService } from './modules/catalog/catalog-excel.service.ts';
import { CalendarService } from './modules/workflow/calendar.service.ts';
import { WorkflowRunner } from './modules/workflow/workflow.runner.ts';
import { ApplicationsService } from './modules/workflow/applications.service.ts';
import { TasksService } from './modules/workflow/tasks.service.ts';
import { ProjectsService } from './modules/workflow/projects.service.ts';
import { SupervisionService } from './modules/workflow/supervision.service.ts';
import { createFileStore } from './modules/materials/file-store.ts';
import { MaterialIntake } from './modules/materials/intake.ts';
import { LibraryService } from './modules/materials/library.service.ts';
import { PrecheckService } from './modules/materials/precheck.service.ts';
import { CertificatesService } from './modules/certificates/certificates.service.ts';
import { ReferenceRegistryProvider, type RegistryProvider } from './modules/sharing/registry.ts';

/** Every service, wired once per process (or per test). */
export interface Services {
  database: Database;
  config: Config;
  clock: Clock;
  audit: AuditService;
  auth: AuthService;
  users: UsersService;
  apiKeys: ApiKeysService;
  organization: OrganizationService;
  matters: MattersService;
  processes: ProcessesService;
  catalogExcel: CatalogExcelService;
  calendars: CalendarService;
  runner: WorkflowRunner;
  projects: ProjectsService;
  applications: ApplicationsService;
  tasks: TasksService;
  supervision: SupervisionService;
  /** The enterprise material library (decision 0013). */
  library: LibraryService;
  precheck: PrecheckService;
  certificates: CertificatesService;
  /** Data sharing look-ups (business licences, certificates); the platform's own tables by default. */
  registry: RegistryProvider;
}

/**
 * `parts` replaces an adapter of something outside the platform (the data-sharing registry of a
 * province exchange); by default the reference implementations are used.
 */
export function createServices(database: Database, config: Config, clock: Clock, parts: Partial<Pick<Services, 'registry'>> = {}): Services {
  const { db } = database;
  const audit = new AuditService(clock);
  const matters = new MattersService(db, clock, audit);
  const processes = new ProcessesService(db, clock, audit);
  const calendars = new CalendarService(db, clock, audit, config.clockWarnDays);
  const runner = new WorkflowRunner(db, clock, audit, calendars);
  calendars.onChange = (trx, calendar) => runner.recomputeClocks(trx, calendar);
  const files = createFileStore({ filesDir: config.filesDir, s3: config.s3 });
  const intake = new MaterialIntake(db, files, clock);
  const library = new LibraryService(db, clock, audit, intake);
  const precheck = new PrecheckService(db, clock, intake);
  const registry = parts.registry ?? new ReferenceRegistryProvider(db, clock);
  const applications = new ApplicationsService(db, clock, audit, processes, calendars, runner, files, library, precheck, registry);
  return {
    database,
    config,
    clock,
    audit,
    auth: new AuthService(db, clock, config, audit),
    users: new UsersService(db, audit),
    apiKeys: new ApiKeysService(db, clock, audit),
    organization: new OrganizationService(db, audit),
    matters,
    processes,
    catalogExcel: new CatalogExcelService(db, matters, processes),
    calendars,
    runner,
    projects: new ProjectsService(db, clock, audit),
    applications,
    tasks: new TasksService(db, clock, calendars, runner, applications),
    supervision: new SupervisionService(db, clock, audit, calendars),
    library,
    precheck,
    certificates: new CertificatesService(db, clock, audit, createFileStore({ filesDir: config.filesDir, s3: config.s3 }), config),
    registry,
  };
}
