import { randomBytes, randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { ProblemException } from '@infergate/common';
import { DatabaseService } from '@infergate/database';
import { type Principal } from '@infergate/contracts';
import { SYSTEM_PRINCIPAL } from '@infergate/identity';
import { validatePlain } from '@infergate/validation';
import {
  MODEL_RESOLVER,
  ModelAliasesService,
  ModelEntity,
  ModelRegistryService,
  ModelVersionsService,
  ModelsService,
  StageTransitionsService,
  CreateVersionDto,
  type ModelResolver,
} from '@infergate/model-registry';
import { RunningGateway, startGateway } from '../support/in-process-gateway';
import { createOrg, modelsDirWithOneFile, UPSTREAM_SECRET } from './support';

/** The resolver against the real policy set and database, with principals as the guard would build them. */
describe('ModelResolver (MODEL_RESOLVER)', () => {
  let gateway: RunningGateway;
  let modelsDir: string;
  let sut: ModelResolver;
  let orgA: string;
  let orgB: string;
  let modelId: string;

  const consumer = (overrides: Partial<Principal> = {}): Principal => ({
    kind: 'application',
    subject: randomUUID(),
    orgId: orgA,
    projectIds: [],
    roles: [{ role: 'model-consumer', orgId: overrides.orgId ?? orgA, projectId: null }],
    scopes: ['infer'],
    clearance: 'public',
    allowedRegions: [],
    allowedCidrs: [],
    authMethod: 'access_token',
    ...overrides,
  });

  const failure = async (promise: Promise<unknown>) => {
    try {
      await promise;
    } catch (error) {
      if (error instanceof ProblemException) return { status: error.status, detail: error.detail };
      throw error;
    }
    throw new Error('resolved although it should not');
  };

  const version = (endpoint: object, extra: object = {}) =>
    validatePlain(CreateVersionDto, {
      backend: 'http-json',
      endpoint: { kind: 'http', url: 'http://93.184.216.34/', ...endpoint },
      ...extra,
    });

  beforeAll(async () => {
    modelsDir = modelsDirWithOneFile();
    gateway = await startGateway({ MASTER_KEY: randomBytes(32).toString('base64'), MODELS_DIR: modelsDir });
    sut = gateway.app.get<ModelResolver>(MODEL_RESOLVER);
    orgA = await createOrg(gateway, 'resolver-a');
    orgB = await createOrg(gateway, 'resolver-b');
    const models = gateway.app.get(ModelsService);
    const versions = gateway.app.get(ModelVersionsService);
    const transitions = gateway.app.get(StageTransitionsService);
    const model = await models.create(SYSTEM_PRINCIPAL, { name: 'scorer', orgId: orgA, tags: [], sensitivity: 'public' });
    modelId = model.id;
    const move = async (number: number, ...stages: ('staging' | 'production' | 'deprecated' | 'archived')[]) => {
      for (const to of stages) await transitions.transition(SYSTEM_PRINCIPAL, modelId, String(number), { to, reason: 'test' });
    };
    await versions.create(SYSTEM_PRINCIPAL, modelId, version({ headers: { 'x-api-key': UPSTREAM_SECRET } }));
    await move(1, 'staging', 'production');
    await versions.create(SYSTEM_PRINCIPAL, modelId, version({ url: 'http://93.184.216.35/' }, { region: 'eu-west-1' }));
    await move(2, 'staging', 'production');
    await versions.create(SYSTEM_PRINCIPAL, modelId, version({}));
    await versions.create(SYSTEM_PRINCIPAL, modelId, version({}));
    await move(4, 'archived');
  }, 60_000);
  afterAll(async () => {
    await gateway.close();
    rmSync(modelsDir, { recursive: true, force: true });
  });

  it('without a reference follows the newest production version while the production alias is unset', async () => {
    const resolved = await sut.resolve(consumer({ allowedRegions: ['eu-west-1'] }), 'scorer');
    expect(resolved.version).toMatchObject({ version: 2, stage: 'production', region: 'eu-west-1' });
    expect(resolved.resolvedBy).toEqual({ alias: 'production' });
    expect(resolved.model).toEqual({ id: modelId, orgId: orgA, projectId: null, name: 'scorer', sensitivity: 'public' });
  });

  it('follows the production alias once set, at once (the cache is cleared by the write)', async () => {
    const principal = consumer({ allowedRegions: ['eu-west-1'] });
    expect((await sut.resolve(principal, modelId)).version.version).toBe(2);
    await gateway.app.get(ModelAliasesService).put(SYSTEM_PRINCIPAL, modelId, 'production', { version: 1 });
    const resolved = await sut.resolve(principal, modelId);
    expect(resolved.version.version).toBe(1);
    expect(resolved.version.endpoint).toEqual({ kind: 'http', url: 'http://93.184.216.34/', headers: { 'x-api-key': UPSTREAM_SECRET } });
    expect(Object.isFrozen(resolved) && Object.isFrozen(resolved.version.endpoint)).toBe(true);
  });

  it('resolves explicit versions, drafts included, but never archived ones, unknown aliases or unknown versions', async () => {
    const principal = consumer();
    expect((await sut.resolve(principal, 'scorer', { version: 3 })).version.stage).toBe('draft');
    expect((await sut.resolve(principal, 'scorer', { version: 1 })).resolvedBy).toEqual({ version: 1 });
    expect(await failure(sut.resolve(principal, 'scorer', { version: 4 }))).toMatchObject({ status: 404 });
    expect(await failure(sut.resolve(principal, 'scorer', { version: 99 }))).toMatchObject({ status: 404 });
    expect(await failure(sut.resolve(principal, 'scorer', { alias: 'champion' }))).toMatchObject({ status: 404 });
    expect(await failure(sut.resolve(principal, 'no-such-model'))).toMatchObject({ status: 404 });
  });

  it('never reaches a draft through the default when nothing is in production', async () => {
    const models = gateway.app.get(ModelsService);
    const draftOnly = await models.create(SYSTEM_PRINCIPAL, { name: 'draft-only', orgId: orgA, tags: [], sensitivity: 'public' });
    await gateway.app.get(ModelVersionsService).create(SYSTEM_PRINCIPAL, draftOnly.id, version({}));
    expect(await failure(sut.resolve(consumer(), 'draft-only'))).toMatchObject({ status: 404 });
    expect((await sut.resolve(consumer(), 'draft-only', { version: 1 })).version.version).toBe(1);
  });

  it('answers 404 to another organization, by id and by name, even with the resolution cached', async () => {
    await sut.resolve(consumer(), modelId, { version: 1 });
    const outsider = consumer({ orgId: orgB, clearance: 'restricted' });
    expect(await failure(sut.resolve(outsider, modelId, { version: 1 }))).toEqual({
      status: 404,
      detail: 'No resource exists at this path.',
    });
    expect(await failure(sut.resolve(outsider, 'scorer'))).toMatchObject({ status: 404 });
  });

  it('answers 404 above the caller clearance and 403 to a caller who may read but not infer', async () => {
    const confidential = await gateway.app
      .get(ModelsService)
      .create(SYSTEM_PRINCIPAL, { name: 'secretive', orgId: orgA, tags: [], sensitivity: 'confidential' });
    await gateway.app.get(ModelVersionsService).create(SYSTEM_PRINCIPAL, confidential.id, version({}));
    expect(await failure(sut.resolve(consumer(), 'secretive', { version: 1 }))).toMatchObject({ status: 404 });
    expect((await sut.resolve(consumer({ clearance: 'confidential' }), 'secretive', { version: 1 })).model.name).toBe('secretive');
    expect(await failure(sut.resolve(consumer({ scopes: ['models:read'] }), 'scorer', { version: 1 }))).toMatchObject({ status: 403 });
  });

  it('names data residency when the version is pinned to a region the caller may not use', async () => {
    const refused = await failure(sut.resolve(consumer({ allowedRegions: ['us-east-1'] }), 'scorer', { version: 2 }));
    expect(refused).toEqual({
      status: 403,
      detail: "data residency: version is pinned to region eu-west-1, not among the caller's allowed regions",
    });
    expect(await failure(sut.resolve(consumer(), 'scorer', { version: 2 }))).toMatchObject({
      status: 403,
      detail: expect.stringMatching(/data residency/),
    });
    expect((await sut.resolve(consumer({ allowedRegions: ['eu-west-1'] }), 'scorer', { version: 2 })).version.region).toBe('eu-west-1');
  });

  it('refuses a disabled model or version with 403, whoever asks', async () => {
    const models = gateway.app.get(ModelsService);
    const off = await models.create(SYSTEM_PRINCIPAL, { name: 'switched-off', orgId: orgA, tags: [], sensitivity: 'public' });
    await gateway.app.get(ModelVersionsService).create(SYSTEM_PRINCIPAL, off.id, version({}));
    expect((await sut.resolve(consumer(), 'switched-off', { version: 1 })).model.id).toBe(off.id);
    await models.update(SYSTEM_PRINCIPAL, off.id, { status: 'disabled' });
    expect(await failure(sut.resolve(consumer(), 'switched-off', { version: 1 }))).toMatchObject({ status: 403 });
    await models.update(SYSTEM_PRINCIPAL, off.id, { status: 'active' });
    await gateway.app.get(ModelVersionsService).update(SYSTEM_PRINCIPAL, off.id, '1', { status: 'disabled' });
    expect(await failure(sut.resolve(consumer(), 'switched-off', { version: 1 }))).toMatchObject({ status: 403 });
  });

  it('serves lookups from its cache for a few seconds: a change made behind the registry is not seen at once', async () => {
    const principal = consumer();
    const before = await sut.resolve(principal, 'scorer', { version: 1 });
    await gateway.app.get(DatabaseService).repository(ModelEntity).update({ id: modelId }, { name: 'renamed-behind-its-back' });
    const cached = await sut.resolve(principal, 'scorer', { version: 1 });
    expect(cached).toBe(before);
    await gateway.app.get(DatabaseService).repository(ModelEntity).update({ id: modelId }, { name: 'scorer' });
  });

  it('seeds a model idempotently for the gateway itself (ensureModel)', async () => {
    const registry = gateway.app.get(ModelRegistryService);
    const input = {
      orgId: orgA,
      name: 'iris-demo',
      version: { backend: 'onnx' as const, endpoint: { kind: 'onnx' as const, modelPath: 'demo/iris.onnx' } },
    };
    const first = await registry.ensureModel(input);
    expect(first).toMatchObject({ created: true, version: 1, model: { name: 'iris-demo', sensitivity: 'public' } });
    const second = await registry.ensureModel(input);
    expect(second).toMatchObject({ created: false, version: 1, model: { id: first.model.id } });
    const racing = await Promise.all([
      registry.ensureModel({ ...input, name: 'raced' }),
      registry.ensureModel({ ...input, name: 'raced' }),
    ]);
    expect(racing.map((result) => result.created).sort()).toEqual([false, true]);
    expect(racing[0].model.id).toBe(racing[1].model.id);
    const resolved = await sut.resolve(consumer(), 'iris-demo');
    expect(resolved.version).toMatchObject({
      version: 1,
      stage: 'production',
      backend: 'onnx',
      endpoint: { kind: 'onnx', modelPath: 'demo/iris.onnx' },
    });
  });
});
