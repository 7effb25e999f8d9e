import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { ProblemException } from '@infergate/common';
import { validatePlain } from '@infergate/validation';
import { DatabaseService } from '@infergate/database';
import { CreateOrganizationDto, ListOrganizationsQueryDto, OrganizationsService, SYSTEM_PRINCIPAL } from '@infergate/identity';
import { CliOutput } from '../cli-output';

/**
 * Shared by the tenancy commands: the schema must be current (the CLI never migrates behind the
 * operator's back), input goes through the same schemas as the admin API, and domain failures
 * become one line.
 */
export async function adminCommand<T>(database: DatabaseService, work: () => Promise<T>): Promise<T> {
  const pending = await database.pendingMigrations();
  if (pending.length > 0) throw new Error(`the database schema is not current (${pending.length} pending); run "migrate run" first`);
  await database.migrate();
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof ProblemException)) throw error;
    if (error.status === 404) throw new Error('not found (check the ids given)');
    const fields = (error.errors ?? []).map((e) => `${e.pointer || '/'}: ${e.detail}`).join('; ');
    throw new Error(fields ? `${error.detail} ${fields}` : error.detail);
  }
}

/**
 * Validates CLI input with the admin API's DTO class, as the global pipe does (same rules, same
 * pointers in the one-line error). Options arrive as strings: the DTOs convert only where they say so.
 */
export function cliInput<T extends object>(dto: new () => T, input: Record<string, unknown>): T {
  const defined = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
  return validatePlain(dto, defined);
}

export const list = (value: string): string[] =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);

function text(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(text).join(',');
  if (value === null || value === undefined) return '-';
  if (typeof value === 'string') return value;
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}

/** `key: value` lines, for one created or changed resource. */
export function printRecord(record: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(record)) {
    CliOutput.line(`${key}: ${text(value)}`);
  }
}

/** A tab-separated table with a header line. */
export function printTable(rows: Record<string, unknown>[], columns: string[], total: number): void {
  CliOutput.line(columns.join('\t'));
  for (const row of rows) {
    CliOutput.line(columns.map((column) => text(row[column])).join('\t'));
  }
  if (total > rows.length) CliOutput.line(`(${rows.length} of ${total}; use --limit/--offset)`);
}

interface PagingOptions {
  limit?: string;
  offset?: string;
}

/** Common --limit / --offset options. */
export abstract class PagedCommand extends CommandRunner {
  @Option({ flags: '--limit <n>', description: 'page size (1-200, default 50)' })
  parseLimit(value: string): string {
    return value;
  }

  @Option({ flags: '--offset <n>', description: 'items to skip' })
  parseOffset(value: string): string {
    return value;
  }
}

interface CreateOrgOptions {
  displayName?: string;
  regions?: string[];
  cidrs?: string[];
  maxClearance?: string;
}

@SubCommand({ name: 'create', arguments: '<name>', description: 'create an organization' })
export class OrgsCreateCommand extends CommandRunner {
  constructor(
    private readonly database: DatabaseService,
    private readonly organizations: OrganizationsService,
  ) {
    super();
  }

  async run([name]: string[], options: CreateOrgOptions = {}): Promise<void> {
    const org = await adminCommand(this.database, () =>
      this.organizations.create(
        SYSTEM_PRINCIPAL,
        cliInput(CreateOrganizationDto, {
          name,
          displayName: options.displayName,
          allowedRegions: options.regions,
          allowedCidrs: options.cidrs,
          maxClearance: options.maxClearance,
        }),
      ),
    );
    printRecord({ ...org });
  }

  @Option({ flags: '--display-name <text>', description: 'human-readable name' })
  parseDisplayName(value: string): string {
    return value;
  }

  @Option({ flags: '--regions <list>', description: 'comma-separated allowed regions' })
  parseRegions(value: string): string[] {
    return list(value);
  }

  @Option({ flags: '--cidrs <list>', description: 'comma-separated allowed source CIDRs' })
  parseCidrs(value: string): string[] {
    return list(value);
  }

  @Option({ flags: '--max-clearance <level>', description: 'public | internal | confidential | restricted (default)' })
  parseMaxClearance(value: string): string {
    return value;
  }
}

@SubCommand({ name: 'list', description: 'list organizations' })
export class OrgsListCommand extends PagedCommand {
  constructor(
    private readonly database: DatabaseService,
    private readonly organizations: OrganizationsService,
  ) {
    super();
  }

  async run(_args: string[], options: PagingOptions = {}): Promise<void> {
    const page = await adminCommand(this.database, () =>
      this.organizations.list(SYSTEM_PRINCIPAL, cliInput(ListOrganizationsQueryDto, { ...options })),
    );
    printTable(
      page.items.map((org) => ({ ...org })),
      ['id', 'name', 'status', 'maxClearance', 'allowedRegions', 'allowedCidrs'],
      page.total,
    );
  }
}

@SubCommand({ name: 'disable', arguments: '<orgId>', description: "disable an organization; its applications' tokens stop working" })
export class OrgsDisableCommand extends CommandRunner {
  constructor(
    private readonly database: DatabaseService,
    private readonly organizations: OrganizationsService,
  ) {
    super();
  }

  async run([orgId]: string[]): Promise<void> {
    const org = await adminCommand(this.database, () => this.organizations.disable(SYSTEM_PRINCIPAL, orgId));
    CliOutput.line(`disabled organization ${org.id} (${org.name})`);
  }
}

@Command({ name: 'orgs', description: 'organizations', subCommands: [OrgsCreateCommand, OrgsListCommand, OrgsDisableCommand] })
export class OrgsCommand extends CommandRunner {
  run(): Promise<void> {
    this.command.help();
    return Promise.resolve();
  }
}

export const ORGS_COMMANDS = [OrgsCommand, OrgsCreateCommand, OrgsListCommand, OrgsDisableCommand];
