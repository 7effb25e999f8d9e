import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { replaceConfigReference } from './config-reference';
import { CONFIG_SETTINGS } from './config-settings';
import { loadConfig } from './config.loader';

describe('configuration reference', () => {
  it('is current in README.md (run `npm run docs:config` after changing a setting)', () => {
    const readme = readFileSync(join(__dirname, '../../../../README.md'), 'utf8');
    expect(replaceConfigReference(readme)).toBe(readme);
  });

  it('documents every leaf of the schema, and nothing the schema lacks', () => {
    const defaults = loadConfig({});
    const leaves: string[] = [];
    const walk = (node: unknown, prefix: string): void => {
      if (node && typeof node === 'object' && !Array.isArray(node)) {
        for (const [key, value] of Object.entries(node)) walk(value, prefix ? `${prefix}.${key}` : key);
      } else leaves.push(prefix);
    };
    walk(defaults, '');
    const optionalLeaves = [
      'server.tls.certFile',
      'server.tls.keyFile',
      'server.tls.clientCaFile',
      'identity.masterKey',
      'database.url',
      'redis.url',
      'bootstrap.adminClientId',
      'bootstrap.adminClientSecret',
      'registry.seedDemoModel',
      'observability.otlpEndpoint',
      'observability.anomalyWebhookUrl',
    ];
    expect(CONFIG_SETTINGS.map((s) => s.path).sort()).toEqual([...new Set([...leaves, ...optionalLeaves])].sort());
  });
});
