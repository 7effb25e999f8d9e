import 'reflect-metadata';
import { ConfigurationError, InfergateConfig, loadConfig } from '@infergate/common';
import { serve } from './serve';

/** Validates configuration (one line per problem, exit 1), then serves until SIGTERM. */
function configOrExit(): InfergateConfig {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    for (const problem of error.problems) process.stderr.write(`infergate: configuration error: ${problem}\n`);
    process.exit(1);
  }
}

serve(configOrExit()).catch((error: unknown) => {
  const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
  process.stderr.write(`infergate: failed to start: ${reason}\n`);
  process.exit(1);
});
