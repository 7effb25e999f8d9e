import 'reflect-metadata';
import { CommandFactory } from 'nest-commander';
import { ConfigurationError } from '@infergate/common';
import { InfergateConfig, loadConfig } from '../../gateway/src/config';
import { CliModule } from './cli.module';
import { CliOutput } from './cli-output';

/** `npm run cli -- <command>`: exits non-zero with a one-line reason on any failure. */
async function main(): Promise<void> {
  let config: InfergateConfig;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    for (const problem of error.problems) CliOutput.fail(`configuration error: ${problem}`);
    process.exit(1);
  }
  await CommandFactory.run(CliModule.register(config), {
    logger: ['error'],
    errorHandler: (error) => {
      // Commander's own exits (help, version, unknown command) carry their exit code.
      const exitCode = (error as { exitCode?: number }).exitCode;
      if (typeof exitCode === 'number') process.exit(exitCode);
      CliOutput.fail(error.message);
      process.exit(1);
    },
    serviceErrorHandler: (error) => {
      CliOutput.fail(oneLine(error));
      process.exit(1);
    },
  });
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0];
}

main().catch((error: unknown) => {
  CliOutput.fail(oneLine(error));
  process.exit(1);
});
