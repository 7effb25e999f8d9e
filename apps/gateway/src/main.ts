import 'reflect-metadata';
import { ConfigurationError } from '@infergate/common';
import { InfergateConfig, loadConfig } from './config';
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
  // Errors that list their problems (an invalid policy set, say) get one line per problem.
  const problems = (error as { problems?: unknown }).problems;
  const lines = Array.isArray(problems) ? problems.map(String) : [error instanceof Error ? error.message.split('\n')[0] : String(error)];
  for (const line of lines) process.stderr.write(`infergate: failed to start: ${line}\n`);
  process.exit(1);
});
