import { Inject, Injectable, Optional } from '@nestjs/common';
import Ajv2020 from 'ajv/dist/2020';
import type { AnySchemaObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { CompiledContract } from './compiled-contract';
import { parseInputContract } from './contract-document';
import { OPENAI_REQUEST_SCHEMAS, OpenAiKind } from './openai-request-schemas';
import { rowSchemaFor } from './row-schema';

/** A contract that cannot be compiled (its free-form JSON Schema is invalid, say): refuse it at registration. */
export class ContractCompileError extends Error {
  constructor(readonly detail: string) {
    super(detail);
    this.name = 'ContractCompileError';
  }
}

export const DEFAULT_CONTRACT_CACHE_SIZE = 1000;
/** Optional provider: how many compiled contracts ContractCompiler keeps. */
export const CONTRACT_CACHE_SIZE = Symbol('CONTRACT_CACHE_SIZE');

interface CacheEntry {
  compiled: CompiledContract;
  schemas: AnySchemaObject[];
}

/**
 * Compiles input contracts to ajv validators once per cache key (a model version id, say, plus
 * anything that changes when the contract does) and keeps the most recently used ones (bounded LRU).
 * Compilation costs milliseconds; a cached check costs microseconds.
 */
@Injectable()
export class ContractCompiler {
  private readonly ajv: Ajv2020;
  private readonly cache = new Map<string, CacheEntry>();
  private readonly openai: Readonly<Record<OpenAiKind, ValidateFunction>>;

  private readonly maxEntries: number;

  constructor(@Optional() @Inject(CONTRACT_CACHE_SIZE) maxEntries?: number) {
    this.maxEntries = maxEntries ?? DEFAULT_CONTRACT_CACHE_SIZE;
    this.ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, logger: false });
    addFormats(this.ajv);
    this.openai = {
      chat: this.ajv.compile(OPENAI_REQUEST_SCHEMAS.chat),
      completions: this.ajv.compile(OPENAI_REQUEST_SCHEMAS.completions),
      embeddings: this.ajv.compile(OPENAI_REQUEST_SCHEMAS.embeddings),
    };
  }

  /**
   * The compiled contract for this key: from the cache, or compiled now from `contract` (raw JSON is
   * accepted and checked with parseInputContract, the registry DTOs' own rules). The key must change whenever the contract does.
   * Throws ContractCompileError when the contract is invalid.
   */
  compile(cacheKey: string, contract: unknown): CompiledContract {
    const cached = this.cache.get(cacheKey);
    if (cached) {
      this.cache.delete(cacheKey);
      this.cache.set(cacheKey, cached);
      return cached.compiled;
    }
    const entry = this.build(contract);
    this.cache.set(cacheKey, entry);
    while (this.cache.size > this.maxEntries) {
      const oldest = this.cache.keys().next().value as string;
      this.forget(oldest);
    }
    return entry.compiled;
  }

  /** Checks that a contract compiles, without caching it (registration time). */
  verify(contract: unknown): void {
    const entry = this.build(contract);
    for (const schema of entry.schemas) this.ajv.removeSchema(schema);
  }

  /** Drops a cached contract (its version changed or was deleted). */
  forget(cacheKey: string): void {
    const entry = this.cache.get(cacheKey);
    if (!entry) return;
    this.cache.delete(cacheKey);
    // ajv keeps every compiled schema object; without this the LRU bound would not bound memory.
    for (const schema of entry.schemas) this.ajv.removeSchema(schema);
  }

  get size(): number {
    return this.cache.size;
  }

  private build(raw: unknown): CacheEntry {
    const parsed = parseInputContract(raw);
    if (!parsed.ok) {
      const [first] = parsed.errors;
      throw new ContractCompileError(`input contract is invalid at ${first.pointer || '/'}: ${first.detail}`);
    }
    const contract = parsed.value;
    const schemas: AnySchemaObject[] = [];
    const compile = (schema: AnySchemaObject, what: string): ValidateFunction => {
      try {
        const validate = this.ajv.compile(schema);
        schemas.push(schema);
        return validate;
      } catch (error) {
        for (const done of schemas) this.ajv.removeSchema(done);
        this.ajv.removeSchema(schema);
        throw new ContractCompileError(`${what} does not compile: ${(error as Error).message}`);
      }
    };
    const row = compile(rowSchemaFor(contract), 'the feature list');
    const extra = contract.jsonSchema ? compile(withoutId(contract.jsonSchema), 'jsonSchema') : undefined;
    return { compiled: new CompiledContract(contract, { row, extra, openai: this.openai }), schemas };
  }
}

/**
 * A fresh copy without a top-level $id: ajv registers schemas by $id, and two versions sharing one
 * would collide in the shared instance.
 */
function withoutId(schema: Record<string, unknown>): AnySchemaObject {
  const copy: AnySchemaObject = { ...schema };
  delete copy.$id;
  return copy;
}
