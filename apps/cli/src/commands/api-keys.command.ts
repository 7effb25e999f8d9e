import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { DatabaseService } from '@infergate/database';
import { ApiKeysService, CreateApiKeyDto, ListApiKeysQueryDto, SYSTEM_PRINCIPAL } from '@infergate/identity';
import { CliOutput } from '../cli-output';
import { adminCommand, cliInput, list, PagedCommand, printRecord, printTable } from './orgs.command';

interface CreateKeyOptions {
  scopes?: string[];
  expiresAt?: string;
}

@SubCommand({ name: 'create', arguments: '<orgId> <appId> <name>', description: 'create an API key; prints it once' })
export class ApiKeysCreateCommand extends CommandRunner {
  constructor(
    private readonly database: DatabaseService,
    private readonly apiKeys: ApiKeysService,
  ) {
    super();
  }

  async run([orgId, appId, name]: string[], options: CreateKeyOptions = {}): Promise<void> {
    const input = { name, scopes: options.scopes, expiresAt: options.expiresAt };
    const { key, ...created } = await adminCommand(this.database, () =>
      this.apiKeys.create(SYSTEM_PRINCIPAL, orgId, appId, cliInput(CreateApiKeyDto, input)),
    );
    printRecord({ id: created.id, name: created.name, scopes: created.scopes, expiresAt: created.expiresAt });
    CliOutput.line(`key: ${key}`);
    CliOutput.line('(the key is shown once; store it now)');
  }

  @Option({ flags: '--scopes <list>', description: "comma-separated scopes, within the application's", required: true })
  parseScopes(value: string): string[] {
    return list(value);
  }

  @Option({ flags: '--expires-at <iso>', description: 'expiry (ISO 8601); default and maximum one year' })
  parseExpiresAt(value: string): string {
    return value;
  }
}

@SubCommand({ name: 'list', arguments: '<orgId> <appId>', description: 'list the API keys of an application' })
export class ApiKeysListCommand extends PagedCommand {
  constructor(
    private readonly database: DatabaseService,
    private readonly apiKeys: ApiKeysService,
  ) {
    super();
  }

  async run([orgId, appId]: string[], options: Record<string, string | boolean> = {}): Promise<void> {
    const query = { limit: options.limit, offset: options.offset, includeRevoked: options.all ? 'true' : 'false' };
    const page = await adminCommand(this.database, () =>
      this.apiKeys.list(SYSTEM_PRINCIPAL, orgId, appId, cliInput(ListApiKeysQueryDto, query)),
    );
    printTable(
      page.items.map((key) => ({ ...key })),
      ['id', 'name', 'scopes', 'expiresAt', 'revokedAt', 'lastUsedAt'],
      page.total,
    );
  }

  @Option({ flags: '--all', description: 'include revoked keys' })
  parseAll(): boolean {
    return true;
  }
}

@SubCommand({ name: 'revoke', arguments: '<orgId> <appId> <keyId>', description: 'revoke an API key' })
export class ApiKeysRevokeCommand extends CommandRunner {
  constructor(
    private readonly database: DatabaseService,
    private readonly apiKeys: ApiKeysService,
  ) {
    super();
  }

  async run([orgId, appId, keyId]: string[]): Promise<void> {
    await adminCommand(this.database, () => this.apiKeys.revoke(SYSTEM_PRINCIPAL, orgId, appId, keyId));
    CliOutput.line(`revoked API key ${keyId}`);
  }
}

@Command({
  name: 'api-keys',
  description: 'API keys of applications',
  subCommands: [ApiKeysCreateCommand, ApiKeysListCommand, ApiKeysRevokeCommand],
})
export class ApiKeysCommand extends CommandRunner {
  run(): Promise<void> {
    this.command.help();
    return Promise.resolve();
  }
}

export const API_KEYS_COMMANDS = [ApiKeysCommand, ApiKeysCreateCommand, ApiKeysListCommand, ApiKeysRevokeCommand];
