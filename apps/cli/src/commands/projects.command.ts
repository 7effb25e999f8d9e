import { Command, CommandRunner, SubCommand } from 'nest-commander';
import { DatabaseService } from '@infergate/database';
import { CreateProjectDto, ListProjectsQueryDto, ProjectsService, SYSTEM_PRINCIPAL } from '@infergate/identity';
import { adminCommand, cliInput, PagedCommand, printRecord, printTable } from './orgs.command';

@SubCommand({ name: 'create', arguments: '<orgId> <name>', description: 'create a project in an organization' })
export class ProjectsCreateCommand extends CommandRunner {
  constructor(
    private readonly database: DatabaseService,
    private readonly projects: ProjectsService,
  ) {
    super();
  }

  async run([orgId, name]: string[]): Promise<void> {
    const project = await adminCommand(this.database, () =>
      this.projects.create(SYSTEM_PRINCIPAL, orgId, cliInput(CreateProjectDto, { name })),
    );
    printRecord({ ...project });
  }
}

@SubCommand({ name: 'list', arguments: '<orgId>', description: 'list the projects of an organization' })
export class ProjectsListCommand extends PagedCommand {
  constructor(
    private readonly database: DatabaseService,
    private readonly projects: ProjectsService,
  ) {
    super();
  }

  async run([orgId]: string[], options: Record<string, string> = {}): Promise<void> {
    const page = await adminCommand(this.database, () =>
      this.projects.list(SYSTEM_PRINCIPAL, orgId, cliInput(ListProjectsQueryDto, { ...options })),
    );
    printTable(
      page.items.map((project) => ({ ...project })),
      ['id', 'name', 'status', 'createdAt'],
      page.total,
    );
  }
}

@Command({ name: 'projects', description: 'projects of an organization', subCommands: [ProjectsCreateCommand, ProjectsListCommand] })
export class ProjectsCommand extends CommandRunner {
  run(): Promise<void> {
    this.command.help();
    return Promise.resolve();
  }
}

export const PROJECTS_COMMANDS = [ProjectsCommand, ProjectsCreateCommand, ProjectsListCommand];
