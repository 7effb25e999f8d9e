import { Inject } from '@nestjs/common';
import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { APP_CONFIG, type InfergateConfig } from '../../../gateway/src/config';
import {
  describeFailure,
  loadPolicySet,
  loadPolicyTests,
  PolicyTester,
  policyTestDirectory,
  type PolicySetResult,
} from '@infergate/authorization';
import { CliOutput } from '../cli-output';

interface DirOptions {
  dir?: string;
}

/** Shared by the policy commands: `--dir` (default: `authorization.policyDir`), files only, no database. */
abstract class PolicyDirCommand extends CommandRunner {
  constructor(@Inject(APP_CONFIG) private readonly config: InfergateConfig) {
    super();
  }

  protected directory(options: DirOptions): string {
    return options.dir ?? this.config.authorization.policyDir;
  }

  /** Loads the set, printing one line per problem (and setting exit 1) when it is invalid. */
  protected async loadSet(dir: string): Promise<PolicySetResult> {
    const result = await loadPolicySet(dir);
    if (!result.ok) {
      for (const problem of result.problems) CliOutput.fail(problem);
      CliOutput.fail(`policy set invalid: ${result.problems.length} ${result.problems.length === 1 ? 'problem' : 'problems'}`);
      process.exitCode = 1;
    }
    return result;
  }

  @Option({ flags: '--dir <dir>', description: 'policy directory (default: authorization.policyDir, ./policies)' })
  parseDir(value: string): string {
    return value;
  }
}

@SubCommand({ name: 'validate', description: 'validate the policy set; exits 1 with one line per problem' })
export class PoliciesValidateCommand extends PolicyDirCommand {
  async run(_args: string[], options: DirOptions = {}): Promise<void> {
    const result = await this.loadSet(this.directory(options));
    if (result.ok) CliOutput.line(`policy set valid: ${result.set.rules.length} rules, version ${result.set.version}`);
  }
}

@SubCommand({ name: 'test', description: 'run the policy unit tests (DIR/tests/*.yaml); exits 1 on any failure' })
export class PoliciesTestCommand extends PolicyDirCommand {
  async run(_args: string[], options: DirOptions = {}): Promise<void> {
    const dir = this.directory(options);
    const result = await this.loadSet(dir);
    if (!result.ok) return;
    const tests = await loadPolicyTests(policyTestDirectory(dir));
    for (const problem of tests.problems) CliOutput.fail(problem);
    const report = new PolicyTester().run(result.set, tests.cases);
    for (const failure of report.results.filter((outcome) => !outcome.passed)) CliOutput.line(describeFailure(failure));
    const invalid =
      tests.problems.length > 0
        ? `, ${tests.problems.length} invalid test ${tests.problems.length === 1 ? 'file problem' : 'file problems'}`
        : '';
    CliOutput.line(`${report.passed} passed, ${report.failed} failed${invalid} (policy version ${result.set.version})`);
    if (report.failed > 0 || tests.problems.length > 0) process.exitCode = 1;
  }
}

@Command({
  name: 'policies',
  description: 'the policy set: validate it, run its unit tests',
  subCommands: [PoliciesValidateCommand, PoliciesTestCommand],
})
export class PoliciesCommand extends CommandRunner {
  run(): Promise<void> {
    this.command.help();
    return Promise.resolve();
  }
}

export const POLICIES_COMMANDS = [PoliciesCommand, PoliciesValidateCommand, PoliciesTestCommand];
