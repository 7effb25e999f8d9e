import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { checkOptions, ConfigurationError, type Environment } from '@infergate/common';
import { CONFIG_SETTINGS } from './config-settings';
import { findUnsafeSettings } from './config.safety';
import { InfergateConfig } from './infergate.config';

const settingByPath = new Map(CONFIG_SETTINGS.map((s) => [s.path, s]));

/**
 * Builds the configuration from an optional YAML file (`INFERGATE_CONFIG`) overlaid with environment
 * variables, validates it and refuses unsafe production settings. Throws ConfigurationError listing
 * every problem at once, so an operator fixes them in one pass.
 */
export function loadConfig(env: Environment): InfergateConfig {
  const raw = readYamlFile(env.INFERGATE_CONFIG);
  for (const setting of CONFIG_SETTINGS) {
    const value = env[setting.env];
    if (value === undefined || value === '') continue;
    setPath(raw, setting.path, setting.list ? splitList(value) : value);
  }
  // Every slice is validated by its owner's class; numbers and booleans from the environment are
  // converted by their properties' @ToNumber/@ToBoolean, nothing implicitly.
  const { value, problems } = checkOptions(InfergateConfig, raw);
  if (problems.length > 0) throw new ConfigurationError(problems.map((problem) => describeIssue(problem.path, problem.message)));
  const unsafe = findUnsafeSettings(value);
  if (unsafe.length > 0) throw new ConfigurationError(unsafe);
  return value;
}

function readYamlFile(file: string | undefined): Record<string, unknown> {
  if (!file) return {};
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ConfigurationError([`INFERGATE_CONFIG: cannot read the file ${JSON.stringify(file)}`]);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text) ?? {};
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : 'not YAML';
    throw new ConfigurationError([`INFERGATE_CONFIG: ${file} is not valid YAML (${reason})`]);
  }
  if (typeof doc !== 'object' || Array.isArray(doc) || doc === null) {
    throw new ConfigurationError([`INFERGATE_CONFIG: ${file} must hold a mapping at the top level`]);
  }
  return doc as Record<string, unknown>;
}

function describeIssue(dotted: string, message: string): string {
  // A list's items are reported below the list's own path (`server.trustedProxyCidrs.1`).
  const setting = settingByPath.get(dotted) ?? settingByPath.get(dotted.split('.').slice(0, -1).join('.'));
  const where = setting ? `${setting.env} (${setting.path})` : dotted || '(top level)';
  return `${where}: ${message}`;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = value;
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}
