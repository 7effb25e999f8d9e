/**
 * Structural JSON Schemas of the OpenAI request bodies the gateway proxies. Unknown top-level fields
 * are allowed (vendors extend the API: vLLM's `guided_json`, `top_k`, ...); the known ones are typed
 * and bounded as OpenAI documents them.
 */

export type OpenAiKind = 'chat' | 'completions' | 'embeddings';

type JsonSchema = Record<string, unknown>;

const positiveInt = { type: 'integer', minimum: 1 };
const stop = { type: ['string', 'array'], maxLength: 1000, maxItems: 4, items: { type: 'string', maxLength: 1000 } };

const sampling: Record<string, JsonSchema> = {
  model: { type: 'string', minLength: 1, maxLength: 256 },
  stream: { type: 'boolean' },
  stream_options: { type: ['object', 'null'] },
  max_tokens: { type: ['integer', 'null'], minimum: 1 },
  n: { type: ['integer', 'null'], minimum: 1, maximum: 128 },
  temperature: { type: ['number', 'null'], minimum: 0, maximum: 2 },
  top_p: { type: ['number', 'null'], minimum: 0, maximum: 1 },
  presence_penalty: { type: ['number', 'null'], minimum: -2, maximum: 2 },
  frequency_penalty: { type: ['number', 'null'], minimum: -2, maximum: 2 },
  logit_bias: { type: ['object', 'null'], additionalProperties: { type: 'number', minimum: -100, maximum: 100 } },
  seed: { type: ['integer', 'null'] },
  stop: { ...stop, type: ['string', 'array', 'null'] },
  user: { type: 'string', maxLength: 256 },
};

const contentPart = {
  type: 'object',
  required: ['type'],
  properties: {
    type: { type: 'string', minLength: 1, maxLength: 64 },
    text: { type: 'string' },
  },
  if: { type: 'object', properties: { type: { const: 'text' } } },
  then: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
};

const message = {
  type: 'object',
  required: ['role'],
  properties: {
    role: { enum: ['system', 'user', 'assistant', 'tool', 'developer'] },
    content: { type: ['string', 'array', 'null'], items: contentPart },
    name: { type: 'string', maxLength: 256 },
    tool_call_id: { type: 'string', maxLength: 256 },
    tool_calls: { type: 'array', items: { type: 'object' } },
  },
};

const tool = {
  type: 'object',
  required: ['type'],
  properties: {
    type: { type: 'string', minLength: 1, maxLength: 64 },
    function: {
      type: 'object',
      required: ['name'],
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 64 },
        description: { type: 'string' },
        parameters: { type: 'object' },
      },
    },
  },
};

export const OPENAI_REQUEST_SCHEMAS: Readonly<Record<OpenAiKind, JsonSchema>> = {
  chat: {
    type: 'object',
    required: ['model', 'messages'],
    properties: {
      ...sampling,
      messages: { type: 'array', minItems: 1, items: message },
      max_completion_tokens: { type: ['integer', 'null'], minimum: 1 },
      logprobs: { type: ['boolean', 'null'] },
      top_logprobs: { type: ['integer', 'null'], minimum: 0, maximum: 20 },
      response_format: { type: 'object', required: ['type'], properties: { type: { type: 'string', maxLength: 64 } } },
      tools: { type: 'array', items: tool },
      tool_choice: { type: ['string', 'object'] },
      parallel_tool_calls: { type: 'boolean' },
    },
  },
  completions: {
    type: 'object',
    required: ['model', 'prompt'],
    properties: {
      ...sampling,
      prompt: {
        type: ['string', 'array'],
        items: { type: ['string', 'integer', 'array'], minimum: 0, items: { type: 'integer', minimum: 0 } },
      },
      suffix: { type: ['string', 'null'] },
      echo: { type: ['boolean', 'null'] },
      best_of: { type: ['integer', 'null'], minimum: 1, maximum: 128 },
      logprobs: { type: ['integer', 'null'], minimum: 0, maximum: 5 },
    },
  },
  embeddings: {
    type: 'object',
    required: ['model', 'input'],
    properties: {
      model: sampling.model,
      user: sampling.user,
      input: {
        type: ['string', 'array'],
        minItems: 1,
        items: { type: ['string', 'integer', 'array'], minimum: 0, items: { type: 'integer', minimum: 0 } },
      },
      encoding_format: { enum: ['float', 'base64'] },
      dimensions: positiveInt,
    },
  },
};
