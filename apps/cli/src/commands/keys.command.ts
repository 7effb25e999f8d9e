import { Command, CommandRunner, SubCommand } from 'nest-commander';
import { DatabaseService } from '@infergate/database';
import { SigningKeysService, SigningKeySummary } from '@infergate/identity';
import { CliOutput } from '../cli-output';

/** The schema must be current; the CLI never migrates behind the operator's back. */
async function ready(database: DatabaseService): Promise<void> {
  const pending = await database.pendingMigrations();
  if (pending.length > 0) throw new Error(`the database schema is not current (${pending.length} pending); run "migrate run" first`);
  await database.migrate();
}

const date = (value: Date | null): string => (value ? value.toISOString() : '-');

@SubCommand({
  name: 'rotate',
  description: 'create a new token signing key: published in the JWKS now, signing after the propagation delay',
})
export class KeysRotateCommand extends CommandRunner {
  constructor(
    private readonly database: DatabaseService,
    private readonly keys: SigningKeysService,
  ) {
    super();
  }

  async run(): Promise<void> {
    await ready(this.database);
    const key = await this.keys.rotate();
    CliOutput.line(`kid: ${key.kid}`);
    CliOutput.line(`algorithm: ${key.algorithm}`);
    CliOutput.line(`status: ${key.status}`);
    CliOutput.line(`signs from: ${date(key.activatesAt)}`);
  }
}

@SubCommand({ name: 'list', description: 'list token signing keys (public metadata only)' })
export class KeysListCommand extends CommandRunner {
  constructor(
    private readonly database: DatabaseService,
    private readonly keys: SigningKeysService,
  ) {
    super();
  }

  async run(): Promise<void> {
    await ready(this.database);
    const columns: (keyof SigningKeySummary)[] = ['kid', 'algorithm', 'status', 'createdAt', 'activatesAt', 'retiresAt', 'expiresAt'];
    CliOutput.line(columns.join('\t'));
    for (const key of await this.keys.list()) {
      CliOutput.line(
        columns.map((column) => (key[column] instanceof Date || key[column] === null ? date(key[column]) : key[column])).join('\t'),
      );
    }
  }
}

@Command({
  name: 'keys',
  description: 'token signing keys of the built-in authorization server',
  subCommands: [KeysRotateCommand, KeysListCommand],
})
export class KeysCommand extends CommandRunner {
  run(): Promise<void> {
    this.command.help();
    return Promise.resolve();
  }
}

export const KEYS_COMMANDS = [KeysCommand, KeysRotateCommand, KeysListCommand];
