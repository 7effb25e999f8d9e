import { readFileSync } from 'node:fs';
import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { DatabaseService } from '@infergate/database';
import { ApplicationsService, CreateApplicationDto, ListApplicationsQueryDto, SYSTEM_PRINCIPAL } from '@infergate/identity';
import { CliOutput } from '../cli-output';
import { adminCommand, cliInput, list, PagedCommand, printRecord, printTable } from './orgs.command';

interface CreateAppOptions {
  project?: string;
  authMethod?: string;
  scopes?: string[];
  clearance?: string;
  regions?: string[];
  cidrs?: string[];
  jwksFile?: string;
  tlsThumbprint?: string;
  tlsSan?: string;
}

@SubCommand({ name: 'create', arguments: '<orgId> <name>', description: 'create an application; prints its client secret once' })
export class AppsCreateCommand extends CommandRunner {
  constructor(
    private readonly database: DatabaseService,
    private readonly applications: ApplicationsService,
  ) {
    super();
  }

  async run([orgId, name]: string[], options: CreateAppOptions = {}): Promise<void> {
    const jwks: unknown = options.jwksFile ? JSON.parse(readFileSync(options.jwksFile, 'utf8')) : undefined;
    const input = {
      name,
      projectId: options.project,
      authMethod: options.authMethod,
      allowedScopes: options.scopes,
      clearance: options.clearance,
      allowedRegions: options.regions,
      allowedCidrs: options.cidrs,
      jwks,
      tlsCertThumbprint: options.tlsThumbprint,
      tlsSubjectSan: options.tlsSan,
    };
    const { clientSecret, ...app } = await adminCommand(this.database, () =>
      this.applications.create(SYSTEM_PRINCIPAL, orgId, cliInput(CreateApplicationDto, input)),
    );
    printRecord({ id: app.id, clientId: app.clientId, name: app.name, authMethod: app.authMethod, allowedScopes: app.allowedScopes });
    if (clientSecret) {
      CliOutput.line(`clientSecret: ${clientSecret}`);
      CliOutput.line('(the client secret is shown once; store it now)');
    }
  }

  @Option({ flags: '--project <projectId>', description: 'project of the organization' })
  parseProject(value: string): string {
    return value;
  }

  @Option({
    flags: '--auth-method <method>',
    description: 'client_secret_basic (default) | client_secret_post | private_key_jwt | tls_client_auth',
  })
  parseAuthMethod(value: string): string {
    return value;
  }

  @Option({ flags: '--scopes <list>', description: 'comma-separated allowed scopes' })
  parseScopes(value: string): string[] {
    return list(value);
  }

  @Option({ flags: '--clearance <level>', description: "public (default) ... up to the organization's maximum" })
  parseClearance(value: string): string {
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

  @Option({ flags: '--jwks-file <path>', description: 'JWK Set of the public keys, for private_key_jwt' })
  parseJwksFile(value: string): string {
    return value;
  }

  @Option({ flags: '--tls-thumbprint <sha256>', description: 'client certificate SHA-256 thumbprint (base64url), for tls_client_auth' })
  parseTlsThumbprint(value: string): string {
    return value;
  }

  @Option({ flags: '--tls-san <name>', description: 'client certificate subject alternative name, for tls_client_auth' })
  parseTlsSan(value: string): string {
    return value;
  }
}

@SubCommand({ name: 'list', arguments: '<orgId>', description: 'list the applications of an organization' })
export class AppsListCommand extends PagedCommand {
  constructor(
    private readonly database: DatabaseService,
    private readonly applications: ApplicationsService,
  ) {
    super();
  }

  async run([orgId]: string[], options: Record<string, string> = {}): Promise<void> {
    const page = await adminCommand(this.database, () =>
      this.applications.list(SYSTEM_PRINCIPAL, orgId, cliInput(ListApplicationsQueryDto, { ...options })),
    );
    printTable(
      page.items.map((app) => ({ ...app })),
      ['id', 'clientId', 'name', 'status', 'authMethod', 'allowedScopes', 'clearance'],
      page.total,
    );
  }
}

@SubCommand({
  name: 'rotate-secret',
  arguments: '<orgId> <appId>',
  description: 'new client secret, printed once; the old one works for the overlap',
})
export class AppsRotateSecretCommand extends CommandRunner {
  constructor(
    private readonly database: DatabaseService,
    private readonly applications: ApplicationsService,
  ) {
    super();
  }

  async run([orgId, appId]: string[]): Promise<void> {
    const rotated = await adminCommand(this.database, () => this.applications.rotateSecret(SYSTEM_PRINCIPAL, orgId, appId));
    printRecord({ ...rotated });
    CliOutput.line('(the client secret is shown once; store it now)');
  }
}

@SubCommand({ name: 'disable', arguments: '<orgId> <appId>', description: 'disable an application; its tokens and API keys stop working' })
export class AppsDisableCommand extends CommandRunner {
  constructor(
    private readonly database: DatabaseService,
    private readonly applications: ApplicationsService,
  ) {
    super();
  }

  async run([orgId, appId]: string[]): Promise<void> {
    const app = await adminCommand(this.database, () => this.applications.disable(SYSTEM_PRINCIPAL, orgId, appId));
    CliOutput.line(`disabled application ${app.id} (${app.clientId})`);
  }
}

@Command({
  name: 'apps',
  description: 'applications (OAuth clients)',
  subCommands: [AppsCreateCommand, AppsListCommand, AppsRotateSecretCommand, AppsDisableCommand],
})
export class AppsCommand extends CommandRunner {
  run(): Promise<void> {
    this.command.help();
    return Promise.resolve();
  }
}

export const APPS_COMMANDS = [AppsCommand, AppsCreateCommand, AppsListCommand, AppsRotateSecretCommand, AppsDisableCommand];
