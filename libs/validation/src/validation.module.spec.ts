import { Global, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { GatewayMetrics } from '@infergate/observability';
import { ContractCompiler } from './contract/contract-compiler';
import { piiRule } from './contract/contract-document';
import { PiiScanner } from './pii/pii-scanner';
import { QueryBoolean } from './query/strict-query-boolean';
import { checkPlain } from './pipe/validate-plain';
import { ValidationModule } from './validation.module';

/** Stands in for ObservabilityModule (global, exports GatewayMetrics) without its other providers. */
@Global()
@Module({ providers: [{ provide: GatewayMetrics, useValue: new GatewayMetrics() }], exports: [GatewayMetrics] })
class MetricsModule {}

describe('ValidationModule', () => {
  it('provides a compiler and a scanner that counts matches in the application metrics', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [MetricsModule, ValidationModule] }).compile();
    const compiler = moduleRef.get(ContractCompiler);
    expect(compiler.compile('m@1', { features: [{ name: 'x', type: 'number' }] }).validateNative({ inputs: { x: 1 } })).toEqual({
      ok: true,
      elements: 1,
    });
    moduleRef.get(PiiScanner).scanInput(piiRule({ input: { email: 'reject' } }), { text: 'a@example.com' });
    const values = (await moduleRef.get(GatewayMetrics).piiMatches.get()).values;
    expect(values).toContainEqual(
      expect.objectContaining({ labels: { detector: 'email', direction: 'input', action: 'reject' }, value: 1 }),
    );
  });

  it('works without the observability module', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [ValidationModule] }).compile();
    expect(moduleRef.get(PiiScanner).scanInput(piiRule({ input: { email: 'reject' } }), 'a@example.com').action).toBe('reject');
  });
});

class FlagQuery {
  @QueryBoolean()
  flag = false;
}

class DefaultOnQuery {
  @QueryBoolean()
  flag = true;
}

describe('QueryBoolean', () => {
  const parse = (dto: new () => { flag: boolean }, raw: unknown) => checkPlain(dto, raw === undefined ? {} : { flag: raw });
  it.each([
    ['true', true],
    ['false', false],
    [undefined, false],
  ])('%s → %s', (raw, expected) => expect(parse(FlagQuery, raw)).toEqual({ ok: true, value: { flag: expected } }));
  it.each(['1', '0', 'yes', 'TRUE', '', 'false ', ['true', 'true']])('refuses %j', (raw) =>
    expect(parse(FlagQuery, raw)).toEqual({ ok: false, errors: [{ pointer: '/flag', detail: 'must be true or false' }] }),
  );
  it('honours its default', () => expect(parse(DefaultOnQuery, undefined)).toEqual({ ok: true, value: { flag: true } }));
});
