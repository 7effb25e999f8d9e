import type { ValidateFunction } from 'ajv';
import type { OpenAiLimits } from './input-contract';
import type { ContractCheck } from './contract-violation.exception';
import type { OpenAiKind } from './openai-request-schemas';
import { describeAjvError, ViolationList } from './violation-messages';

const NO_ROW_POINTERS: ReadonlySet<string> = new Set();

/** The field that carries the input text of each kind of request. */
const INPUT_FIELD: Record<OpenAiKind, string> = { chat: 'messages', completions: 'prompt', embeddings: 'input' };

/**
 * An OpenAI request checked for structure (shared compiled schemas) and against the model version's
 * limits: completion tokens asked for, message count, characters of input text.
 */
export function checkOpenAiRequest(kind: OpenAiKind, body: unknown, validate: ValidateFunction, limits: OpenAiLimits = {}): ContractCheck {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, malformed: true, errors: [{ pointer: '', detail: 'must be a JSON object' }], truncated: false };
  }
  const violations = new ViolationList();
  if (!validate(body)) {
    for (const error of validate.errors ?? []) {
      if (error.keyword === 'if') continue; // its `then` branch reports the actual problem
      const { pointer, detail } = describeAjvError(error, '', NO_ROW_POINTERS);
      violations.add(pointer, detail);
    }
    return { ok: false, malformed: false, errors: violations.errors, truncated: violations.truncated };
  }
  const request = body as Record<string, unknown>;
  const { chars, tokens } = measureInput(kind, request);

  if (limits.maxTokens !== undefined) {
    for (const field of ['max_tokens', 'max_completion_tokens']) {
      const asked = request[field];
      if (typeof asked === 'number' && asked > limits.maxTokens)
        violations.add(`/${field}`, `must be at most ${limits.maxTokens} for this model`);
    }
  }
  if (limits.maxMessages !== undefined && kind === 'chat' && (request.messages as unknown[]).length > limits.maxMessages) {
    violations.add('/messages', `must have at most ${limits.maxMessages} messages for this model`);
  }
  if (limits.maxInputChars !== undefined && chars > limits.maxInputChars) {
    violations.add(`/${INPUT_FIELD[kind]}`, `must have at most ${limits.maxInputChars} characters of text for this model`);
  }
  if (!violations.empty) return { ok: false, malformed: false, errors: violations.errors, truncated: violations.truncated };
  return { ok: true, elements: Math.max(1, Math.ceil(chars / 4) + tokens) };
}

/** Characters of input text, and tokens sent already tokenized (integer arrays). */
function measureInput(kind: OpenAiKind, request: Record<string, unknown>): { chars: number; tokens: number } {
  let chars = 0;
  let tokens = 0;
  const add = (value: unknown): void => {
    if (typeof value === 'string') chars += value.length;
    else if (typeof value === 'number') tokens += 1;
    else if (Array.isArray(value)) for (const item of value) add(item);
  };
  if (kind === 'chat') {
    for (const message of request.messages as { content?: unknown }[]) {
      const { content } = message;
      if (typeof content === 'string') chars += content.length;
      else if (Array.isArray(content))
        for (const part of content as { text?: unknown }[]) if (typeof part.text === 'string') chars += part.text.length;
    }
  } else {
    add(request[INPUT_FIELD[kind]]);
    if (kind === 'completions' && typeof request.suffix === 'string') chars += request.suffix.length;
  }
  return { chars, tokens };
}
