import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import { POLICY_SUBJECTS, type PolicySubject } from '@infergate/contracts';
import { validateConditions } from './policy-conditions';
import { policyFileSchema, policyRuleSchema } from './policy.schema';
import type { PolicyRule, PolicySet } from './policy.types';
import { policyVersion } from './policy-version';
import { jsonPointer, YamlSource } from '@infergate/common';

/** A policy file's name and content; `name` is relative to the policy directory. */
export interface PolicyFile {
  name: string;
  text: string;
}

export type PolicySetResult = { ok: true; set: PolicySet } | { ok: false; problems: string[] };

/** Thrown when the gateway would otherwise start without a valid policy set; one problem per line. */
export class PolicySetError extends Error {
  constructor(
    readonly problems: string[],
    source = 'policy set',
  ) {
    super(
      `invalid ${source} (${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'PolicySetError';
  }
}

const POLICY_FILE = /\.ya?ml$/;

/**
 * Reads `dir/*.yaml` (not below: `tests/` holds the policy unit tests) in file-name order and
 * validates the whole set. Problems name the file (as `dir/name`), line, rule and path.
 */
export async function loadPolicySet(dir: string, now = new Date()): Promise<PolicySetResult> {
  let names: string[];
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    names = entries
      .filter((entry) => entry.isFile() && POLICY_FILE.test(entry.name))
      .map((entry) => entry.name)
      .sort();
  } catch (error) {
    return {
      ok: false,
      problems: [`${dir}: cannot read the policy directory (${(error as NodeJS.ErrnoException).code ?? String(error)})`],
    };
  }
  if (names.length === 0) return { ok: false, problems: [`${dir}: no policy files (*.yaml)`] };
  const files = await Promise.all(names.map(async (name) => ({ name, text: await readFile(join(dir, name), 'utf8') })));
  return parsePolicySet(files, { now, displayPath: (name) => join(dir, name) });
}

/** Validates a policy set from its files' contents, in the order given. */
export function parsePolicySet(
  files: readonly PolicyFile[],
  options: { now?: Date; displayPath?: (name: string) => string } = {},
): PolicySetResult {
  const display = options.displayPath ?? ((name: string) => name);
  const problems: string[] = [];
  const rules: PolicyRule[] = [];
  const firstSeen = new Map<string, string>();
  for (const file of files) {
    const source = YamlSource.parse(display(file.name), file.text);
    if (source.syntaxErrors.length > 0) {
      problems.push(...source.syntaxErrors);
      continue;
    }
    const parsed = policyFileSchema.safeParse(source.value ?? null, {
      error: () => 'a policy file is a mapping with one key, rules: (a list of rules)',
    });
    if (!parsed.success) {
      problems.push(...issueLines(source, parsed.error.issues, [], ''));
      continue;
    }
    parsed.data.rules.forEach((raw, index) => {
      const at = ['rules', index];
      const id = ruleIdOf(raw);
      const label = id ? `rule "${id}" (#${index})` : `rule #${index}`;
      const result = policyRuleSchema.safeParse(raw);
      const ruleProblems = result.success ? [] : issueLines(source, result.error.issues, at, label);
      const rule = raw as Partial<PolicyRule>;
      if (isRecord(raw) && rule.effect === 'deny' && raw.scopes !== undefined) {
        ruleProblems.push(line(source, [...at, 'scopes'], label, 'scopes apply only to allow rules (a deny applies whatever the token)'));
      }
      const valid = result.success ? result.data : undefined;
      const subject = isRecord(raw) ? knownSubject(raw.subject) : undefined;
      if (subject && isRecord(raw) && isRecord(raw.conditions)) {
        for (const issue of validateConditions(subject, raw.conditions)) {
          ruleProblems.push(line(source, [...at, ...issue.path], label, issue.message));
        }
      }
      if (id) {
        const first = firstSeen.get(id);
        if (first) ruleProblems.push(line(source, [...at, 'id'], label, `duplicate rule id "${id}" (first in ${first})`));
        else firstSeen.set(id, `${source.file} #${index}`);
      }
      problems.push(...ruleProblems);
      if (ruleProblems.length === 0 && valid) rules.push(valid);
    });
  }
  if (problems.length > 0) return { ok: false, problems };
  if (rules.length === 0) return { ok: false, problems: ['the policy set has no rules: every request would be denied'] };
  const frozen = deepFreeze(rules);
  return {
    ok: true,
    set: Object.freeze({
      version: policyVersion(frozen),
      rules: frozen,
      files: Object.freeze(files.map((file) => file.name)),
      loadedAt: options.now ?? new Date(),
    }),
  };
}

function issueLines(source: YamlSource, issues: readonly z.core.$ZodIssue[], base: (string | number)[], label: string): string[] {
  return issues.flatMap((issue) => {
    const path = [...base, ...issue.path.map((part) => (typeof part === 'symbol' ? String(part) : part))];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => line(source, [...path, key], label, `unknown key "${key}"`));
    }
    return [line(source, path, label, issue.message)];
  });
}

function line(source: YamlSource, path: (string | number)[], label: string, message: string): string {
  return `${source.file}:${source.lineOf(path)}: ${label ? `${label} ` : ''}at ${jsonPointer(path)}: ${message}`;
}

function ruleIdOf(raw: unknown): string | undefined {
  return isRecord(raw) && typeof raw.id === 'string' && raw.id.length > 0 ? raw.id : undefined;
}

function knownSubject(value: unknown): PolicySubject | undefined {
  return (POLICY_SUBJECTS as readonly unknown[]).includes(value) ? (value as PolicySubject) : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}
