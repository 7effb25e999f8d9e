import { RunningGateway, startGateway } from '../support/in-process-gateway';

type Schema = Record<string, unknown>;
interface Operation {
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}
interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** A schema that says something: properties, a union, a map of typed values, or a reference to one that does. */
function describes(schema: Schema | undefined, doc: OpenApiDocument, seen = new Set<string>()): boolean {
  if (!schema) return false;
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.replace('#/components/schemas/', '');
    if (seen.has(name)) return true;
    seen.add(name);
    return describes(doc.components?.schemas?.[name], doc, seen);
  }
  if (schema.type === 'array') return schema.items !== undefined;
  if (['oneOf', 'anyOf', 'allOf'].some((keyword) => Array.isArray(schema[keyword]))) return true;
  if (schema.properties && Object.keys(schema.properties).length > 0) return true;
  return typeof schema.additionalProperties === 'object';
}

describe('OpenAPI document (/docs-json)', () => {
  let gateway: RunningGateway;
  let doc: OpenApiDocument;

  beforeAll(async () => {
    gateway = await startGateway();
    doc = (await (await fetch(`${gateway.url}/docs-json`)).json()) as OpenApiDocument;
  });
  afterAll(() => gateway.close());

  it('has a schema that describes the body of every operation that takes one', () => {
    const bodies: string[] = [];
    const bare: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of METHODS) {
        const body = item[method]?.requestBody;
        if (!body) continue;
        const operation = `${method.toUpperCase()} ${path}`;
        bodies.push(operation);
        const media = Object.values(body.content ?? {});
        if (media.length === 0 || media.some((entry) => !describes(entry.schema, doc))) bare.push(operation);
      }
    }
    expect(bodies.length).toBeGreaterThan(20);
    expect(bare).toEqual([]);
  });

  it('shows the inference bodies with the schemas the contract check enforces', () => {
    const body = (path: string): Schema => doc.paths[path].post.requestBody!.content!['application/json'].schema!;
    expect(body('/v1/models/{model}/infer')).toMatchObject({ properties: { inputs: { type: 'object' }, instances: { type: 'array' } } });
    expect(body('/v2/models/{model}/infer')).toMatchObject({ required: ['inputs'], properties: { inputs: { type: 'array' } } });
    expect(body('/openai/v1/chat/completions')).toMatchObject({ required: ['model', 'messages'] });
    expect(body('/openai/v1/completions')).toMatchObject({ required: ['model', 'prompt'] });
    expect(body('/openai/v1/embeddings')).toMatchObject({ required: ['model', 'input'] });
    // OpenAPI 3.0 has no type arrays: they are unions there.
    expect(JSON.stringify(body('/openai/v1/chat/completions'))).not.toMatch(/"type":\[/);
  });

  it("shows a version's input contract, endpoint and PII rule as schemas, not free-form objects", () => {
    const schemas = doc.components!.schemas!;
    const create = schemas.CreateVersionDto.properties as Record<string, Schema>;
    // A $ref with a description of its own is wrapped in allOf by @nestjs/swagger.
    const ref = (schema: Schema) => schema.$ref ?? (schema.allOf as Schema[] | undefined)?.[0]?.$ref;
    expect(ref(create.inputContract)).toBe('#/components/schemas/InputContractDto');
    expect(ref(create.piiRule)).toBe('#/components/schemas/PiiRuleDto');
    expect(create.endpoint.oneOf).toEqual([
      { $ref: '#/components/schemas/HttpEndpointDto' },
      { $ref: '#/components/schemas/OnnxEndpointDto' },
    ]);
    expect(schemas.InputContractDto.properties).toMatchObject({
      features: { type: 'array', items: { $ref: '#/components/schemas/FeatureDto' } },
    });
    expect(schemas.FeatureDto.properties).toMatchObject({ type: { enum: expect.arrayContaining(['tensor', 'enum']) } });
    expect(ref((schemas.PiiRuleDto.properties as Record<string, Schema>).input)).toBe('#/components/schemas/PiiInputActionsDto');
    expect(schemas.PiiInputActionsDto.properties).toMatchObject({ email: { enum: ['reject', 'redact', 'allow'] } });
  });
});
