import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { DatabaseService } from '@infergate/database';
import { CreateRoleBindingDto, ListRoleBindingsQueryDto, RoleBindingsService, SYSTEM_PRINCIPAL } from '@infergate/identity';
import { CliOutput } from '../cli-output';
import { adminCommand, cliInput, PagedCommand, printRecord, printTable } from './orgs.command';

interface GrantOptions {
  type?: string;
  org?: string;
  project?: string;
}

@SubCommand({ name: 'grant', arguments: '<principalId> <role>', description: 'bind a role to an application (or --type user)' })
export class RolesGrantCommand extends CommandRunner {
  constructor(
    private readonly database: DatabaseService,
    private readonly bindings: RoleBindingsService,
  ) {
    super();
  }

  async run([principalId, role]: string[], options: GrantOptions = {}): Promise<void> {
    const input = { principalType: options.type ?? 'application', principalId, role, orgId: options.org, projectId: options.project };
    const binding = await adminCommand(this.database, () => this.bindings.create(SYSTEM_PRINCIPAL, cliInput(CreateRoleBindingDto, input)));
    printRecord({ ...binding });
  }

  @Option({ flags: '--type <type>', description: 'application (default) | user' })
  parseType(value: string): string {
    return value;
  }

  @Option({ flags: '--org <orgId>', description: 'organization of the role (every role but platform-admin)' })
  parseOrg(value: string): string {
    return value;
  }

  @Option({ flags: '--project <projectId>', description: 'narrow the role to one project' })
  parseProject(value: string): string {
    return value;
  }
}

interface ListOptions {
  org?: string;
  principal?: string;
  role?: string;
  limit?: string;
  offset?: string;
}

@SubCommand({ name: 'list', description: 'list role bindings' })
export class RolesListCommand extends PagedCommand {
  constructor(
    private readonly database: DatabaseService,
    private readonly bindings: RoleBindingsService,
  ) {
    super();
  }

  async run(_args: string[], options: ListOptions = {}): Promise<void> {
    const query = { limit: options.limit, offset: options.offset, orgId: options.org, principalId: options.principal, role: options.role };
    const page = await adminCommand(this.database, () => this.bindings.list(SYSTEM_PRINCIPAL, cliInput(ListRoleBindingsQueryDto, query)));
    printTable(
      page.items.map((binding) => ({ ...binding })),
      ['id', 'principalType', 'principalId', 'role', 'orgId', 'projectId'],
      page.total,
    );
  }

  @Option({ flags: '--org <orgId>', description: 'only this organization' })
  parseOrg(value: string): string {
    return value;
  }

  @Option({ flags: '--principal <principalId>', description: 'only this principal' })
  parsePrincipal(value: string): string {
    return value;
  }

  @Option({ flags: '--role <role>', description: 'only this role' })
  parseRole(value: string): string {
    return value;
  }
}

@SubCommand({ name: 'revoke', arguments: '<bindingId>', description: "remove a role binding; the principal's tokens are revoked" })
export class RolesRevokeCommand extends CommandRunner {
  constructor(
    private readonly database: DatabaseService,
    private readonly bindings: RoleBindingsService,
  ) {
    super();
  }

  async run([bindingId]: string[]): Promise<void> {
    await adminCommand(this.database, () => this.bindings.delete(SYSTEM_PRINCIPAL, bindingId));
    CliOutput.line(`revoked role binding ${bindingId}`);
  }
}

@Command({ name: 'roles', description: 'role bindings', subCommands: [RolesGrantCommand, RolesListCommand, RolesRevokeCommand] })
export class RolesCommand extends CommandRunner {
  run(): Promise<void> {
    this.command.help();
    return Promise.resolve();
  }
}

export const ROLES_COMMANDS = [RolesCommand, RolesGrantCommand, RolesListCommand, RolesRevokeCommand];
