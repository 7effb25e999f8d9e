import { readFileSync } from 'node:fs';
import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { DatabaseService } from '@infergate/database';
import { SYSTEM_PRINCIPAL } from '@infergate/identity';
import {
  CreateModelDto,
  CreateVersionDto,
  ListModelsQueryDto,
  ListVersionsQueryDto,
  ModelAliasesService,
  ModelsService,
  ModelVersionsService,
  PutAliasDto,
  StageTransitionsService,
  TransitionDto,
  type ModelVersionView,
} from '@infergate/model-registry';
import { validatePlain } from '@infergate/validation';
import { CliOutput } from '../cli-output';
import { adminCommand, list, PagedCommand, printRecord, printTable } from './orgs.command';

/** Options given on the command line, validated by the registry API's own DTO (unset options left out, so defaults apply). */
function cliInput<T extends object>(dto: new () => T, input: Record<string, unknown>): T {
  return validatePlain(dto, Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)));
}

/**
 * The model registry from the host: the same services and checks as `/v1/models`, acting as SYSTEM.
 * Models are named by id, or by name with `--org <orgId>` (names are unique per organization).
 */

interface OrgOption {
  org?: string;
}

/** `--org <orgId>` on every command that names a model. */
abstract class ModelCommand extends CommandRunner {
  @Option({ flags: '--org <orgId>', description: 'organization in which to look up a model name (not needed with a model id)' })
  parseOrg(value: string): string {
    return value;
  }
}

function readJsonFile(path: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch {
    throw new Error(`cannot read ${what} from ${path} (a JSON file)`);
  }
}

function versionRecord(version: ModelVersionView): Record<string, unknown> {
  return {
    id: version.id,
    modelId: version.modelId,
    version: version.version,
    stage: version.stage,
    status: version.status,
    backend: version.backend,
    endpoint: version.endpoint?.url ?? version.endpoint?.modelPath,
    region: version.region,
    deprecation: version.deprecation,
  };
}

interface ListModelsOptions extends OrgOption {
  name?: string;
  tag?: string;
  stage?: string;
  limit?: string;
  offset?: string;
}

@SubCommand({ name: 'list', description: 'list models' })
export class ModelsListCommand extends PagedCommand {
  constructor(
    private readonly database: DatabaseService,
    private readonly models: ModelsService,
  ) {
    super();
  }

  async run(_args: string[], options: ListModelsOptions = {}): Promise<void> {
    const { org, ...rest } = options;
    const page = await adminCommand(this.database, () =>
      this.models.list(SYSTEM_PRINCIPAL, cliInput(ListModelsQueryDto, { ...rest, orgId: org })),
    );
    printTable(
      page.items.map((model) => ({ ...model })),
      ['id', 'orgId', 'name', 'sensitivity', 'status', 'tags'],
      page.total,
    );
  }

  @Option({ flags: '--org <orgId>', description: 'only this organization' })
  parseOrg(value: string): string {
    return value;
  }

  @Option({ flags: '--name <prefix>', description: 'names starting with this' })
  parseName(value: string): string {
    return value;
  }

  @Option({ flags: '--tag <tag>', description: 'models carrying this tag' })
  parseTag(value: string): string {
    return value;
  }

  @Option({ flags: '--stage <stage>', description: 'models with a version in this stage' })
  parseStage(value: string): string {
    return value;
  }
}

@SubCommand({ name: 'show', arguments: '<model>', description: 'show a model, its versions and aliases' })
export class ModelsShowCommand extends ModelCommand {
  constructor(
    private readonly database: DatabaseService,
    private readonly models: ModelsService,
    private readonly aliases: ModelAliasesService,
  ) {
    super();
  }

  async run([model]: string[], options: OrgOption = {}): Promise<void> {
    const [found, aliases] = await adminCommand(
      this.database,
      async () =>
        [
          await this.models.get(SYSTEM_PRINCIPAL, model, options.org),
          await this.aliases.list(SYSTEM_PRINCIPAL, model, options.org),
        ] as const,
    );
    printRecord({ ...found, aliases: aliases.map((alias) => `${alias.name}=${alias.version}${alias.protected ? ' (protected)' : ''}`) });
  }
}

interface CreateModelOptions {
  project?: string;
  description?: string;
  tags?: string[];
  sensitivity?: string;
  owner?: string;
}

@SubCommand({ name: 'create', arguments: '<orgId> <name>', description: 'register a model in an organization' })
export class ModelsCreateCommand extends CommandRunner {
  constructor(
    private readonly database: DatabaseService,
    private readonly models: ModelsService,
  ) {
    super();
  }

  async run([orgId, name]: string[], options: CreateModelOptions = {}): Promise<void> {
    const input = {
      name,
      orgId,
      projectId: options.project,
      description: options.description,
      tags: options.tags,
      sensitivity: options.sensitivity,
      owner: options.owner,
    };
    const model = await adminCommand(this.database, () => this.models.create(SYSTEM_PRINCIPAL, cliInput(CreateModelDto, input)));
    printRecord({ ...model });
  }

  @Option({ flags: '--project <projectId>', description: 'project owning the model' })
  parseProject(value: string): string {
    return value;
  }

  @Option({ flags: '--description <text>', description: 'what the model does' })
  parseDescription(value: string): string {
    return value;
  }

  @Option({ flags: '--tags <list>', description: 'comma-separated tags' })
  parseTags(value: string): string[] {
    return list(value);
  }

  @Option({ flags: '--sensitivity <level>', description: 'public | internal (default) | confidential | restricted' })
  parseSensitivity(value: string): string {
    return value;
  }

  @Option({ flags: '--owner <subject>', description: 'who answers for the model (default: system)' })
  parseOwner(value: string): string {
    return value;
  }
}

@SubCommand({ name: 'versions', arguments: '<model>', description: 'list the versions of a model' })
export class ModelsVersionsCommand extends ModelCommand {
  constructor(
    private readonly database: DatabaseService,
    private readonly versions: ModelVersionsService,
  ) {
    super();
  }

  async run([model]: string[], options: OrgOption & { limit?: string; offset?: string } = {}): Promise<void> {
    const { org, ...paging } = options;
    const page = await adminCommand(this.database, () =>
      this.versions.list(SYSTEM_PRINCIPAL, model, cliInput(ListVersionsQueryDto, paging), org),
    );
    printTable(page.items.map(versionRecord), ['version', 'stage', 'status', 'backend', 'endpoint', 'region'], page.total);
  }

  @Option({ flags: '--limit <n>', description: 'page size (1-200, default 50)' })
  parseLimit(value: string): string {
    return value;
  }

  @Option({ flags: '--offset <n>', description: 'items to skip' })
  parseOffset(value: string): string {
    return value;
  }
}

interface AddVersionOptions extends OrgOption {
  backend?: string;
  url?: string;
  modelPath?: string;
  upstreamModel?: string;
  endpointFile?: string;
  contractFile?: string;
  region?: string;
}

@SubCommand({
  name: 'add-version',
  arguments: '<model>',
  description: 'register a new (draft) version; upstream headers and TLS keys go in --endpoint-file, never on the command line',
})
export class ModelsAddVersionCommand extends ModelCommand {
  constructor(
    private readonly database: DatabaseService,
    private readonly versions: ModelVersionsService,
  ) {
    super();
  }

  async run([model]: string[], options: AddVersionOptions = {}): Promise<void> {
    const endpoint = options.endpointFile
      ? readJsonFile(options.endpointFile, 'the endpoint')
      : options.modelPath
        ? { kind: 'onnx', modelPath: options.modelPath }
        : options.url
          ? { kind: 'http', url: options.url, ...(options.upstreamModel ? { upstreamModel: options.upstreamModel } : {}) }
          : undefined;
    const input = {
      backend: options.backend,
      endpoint,
      inputContract: options.contractFile ? readJsonFile(options.contractFile, 'the input contract') : undefined,
      region: options.region,
    };
    const version = await adminCommand(this.database, () =>
      this.versions.create(SYSTEM_PRINCIPAL, model, cliInput(CreateVersionDto, input), options.org),
    );
    printRecord(versionRecord(version));
  }

  @Option({ flags: '--backend <backend>', description: 'kserve-v2 | openai | http-json | onnx', required: true })
  parseBackend(value: string): string {
    return value;
  }

  @Option({ flags: '--url <url>', description: 'base URL of the model server (http backends)' })
  parseUrl(value: string): string {
    return value;
  }

  @Option({ flags: '--upstream-model <name>', description: "the model's name on the upstream server" })
  parseUpstreamModel(value: string): string {
    return value;
  }

  @Option({ flags: '--model-path <path>', description: 'a .onnx file relative to MODELS_DIR (onnx backend)' })
  parseModelPath(value: string): string {
    return value;
  }

  @Option({ flags: '--endpoint-file <file>', description: 'the whole endpoint as JSON (headers, timeouts, tls)' })
  parseEndpointFile(value: string): string {
    return value;
  }

  @Option({ flags: '--contract-file <file>', description: 'the input contract as JSON' })
  parseContractFile(value: string): string {
    return value;
  }

  @Option({ flags: '--region <region>', description: 'pin the version to a region (data residency)' })
  parseRegion(value: string): string {
    return value;
  }
}

@SubCommand({ name: 'transition', arguments: '<model> <version> <stage>', description: 'move a version to another stage' })
export class ModelsTransitionCommand extends ModelCommand {
  constructor(
    private readonly database: DatabaseService,
    private readonly transitions: StageTransitionsService,
  ) {
    super();
  }

  async run([model, version, to]: string[], options: OrgOption & { reason?: string } = {}): Promise<void> {
    const moved = await adminCommand(this.database, () =>
      this.transitions.transition(SYSTEM_PRINCIPAL, model, version, cliInput(TransitionDto, { to, reason: options.reason }), options.org),
    );
    CliOutput.line(`version ${moved.version} of model ${moved.modelId} is now ${moved.stage}`);
  }

  @Option({ flags: '--reason <text>', description: 'why (required for production, deprecated and archived)' })
  parseReason(value: string): string {
    return value;
  }
}

@SubCommand({ name: 'alias', arguments: '<model> <alias> <version>', description: 'point an alias at a version' })
export class ModelsAliasCommand extends ModelCommand {
  constructor(
    private readonly database: DatabaseService,
    private readonly aliases: ModelAliasesService,
  ) {
    super();
  }

  async run([model, alias, version]: string[], options: OrgOption & { reason?: string; protected?: boolean } = {}): Promise<void> {
    const input = { version: /^\d+$/.test(version) ? Number(version) : version, reason: options.reason, protected: options.protected };
    const moved = await adminCommand(this.database, () =>
      this.aliases.put(SYSTEM_PRINCIPAL, model, alias, cliInput(PutAliasDto, input), options.org),
    );
    CliOutput.line(
      `alias ${moved.name} of model ${moved.modelId} now points at version ${moved.version}${moved.protected ? ' (protected)' : ''}`,
    );
  }

  @Option({ flags: '--reason <text>', description: 'why, for the audit trail' })
  parseReason(value: string): string {
    return value;
  }

  @Option({ flags: '--protected', description: 'only principals who administer the model may move it' })
  parseProtected(): boolean {
    return true;
  }
}

@Command({
  name: 'models',
  description: 'the model registry: models, versions, stages and aliases',
  subCommands: [
    ModelsListCommand,
    ModelsShowCommand,
    ModelsCreateCommand,
    ModelsVersionsCommand,
    ModelsAddVersionCommand,
    ModelsTransitionCommand,
    ModelsAliasCommand,
  ],
})
export class ModelsCommand extends CommandRunner {
  run(): Promise<void> {
    this.command.help();
    return Promise.resolve();
  }
}

export const MODELS_COMMANDS = [
  ModelsCommand,
  ModelsListCommand,
  ModelsShowCommand,
  ModelsCreateCommand,
  ModelsVersionsCommand,
  ModelsAddVersionCommand,
  ModelsTransitionCommand,
  ModelsAliasCommand,
];
