import { Command, CommandRunner, SubCommand } from 'nest-commander';
import { DatabaseService } from '@infergate/database';
import { CliOutput } from '../cli-output';

@SubCommand({ name: 'run', description: 'apply every pending migration (waits for other replicas holding the lock)' })
export class MigrateRunCommand extends CommandRunner {
  constructor(private readonly database: DatabaseService) {
    super();
  }

  async run(): Promise<void> {
    const applied = await this.database.migrate();
    CliOutput.line(applied.length === 0 ? 'no pending migrations' : applied.map((name) => `applied ${name}`).join('\n'));
  }
}

@SubCommand({ name: 'revert', description: 'revert the most recently applied migration' })
export class MigrateRevertCommand extends CommandRunner {
  constructor(private readonly database: DatabaseService) {
    super();
  }

  async run(): Promise<void> {
    const reverted = await this.database.revertLast();
    CliOutput.line(reverted ? `reverted ${reverted}` : 'no applied migration to revert');
  }
}

@SubCommand({ name: 'status', description: 'list pending migrations; exits 3 when any are pending' })
export class MigrateStatusCommand extends CommandRunner {
  constructor(private readonly database: DatabaseService) {
    super();
  }

  async run(): Promise<void> {
    const pending = await this.database.pendingMigrations();
    if (pending.length === 0) {
      CliOutput.line('schema is up to date');
      return;
    }
    CliOutput.line(pending.map((name) => `pending ${name}`).join('\n'));
    process.exitCode = 3;
  }
}

@Command({
  name: 'migrate',
  description: 'database schema migrations',
  subCommands: [MigrateRunCommand, MigrateRevertCommand, MigrateStatusCommand],
})
export class MigrateCommand extends CommandRunner {
  run(): Promise<void> {
    this.command.help();
    return Promise.resolve();
  }
}
