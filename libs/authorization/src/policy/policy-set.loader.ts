import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { POLICY_SUBJECTS, type PolicySubject } from '@infergate/contracts';
import { jsonPointer, YamlSource } from '@infergate/common';
import { type FileIssue, inFileOrder, isMapping } from '@infergate/validation';
import { validateConditions } from './policy-conditions';
import { validatePolicyFile, validatePolicyRule } from './policy.schema';
import type { PolicyRule, PolicySet } from './policy.types';
import { policyVersion } from './policy-version';

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
    const parsed = validatePolicyFile(source.value ?? null);
    if (!parsed.ok) {
      problems.push(...problemLines(source, parsed.issues));
      continue;
    }
    const fileIssues: LabelledIssue[] = [];
    parsed.rules.forEach((raw, index) => {
      const at = ['rules', index];
      const id = ruleIdOf(raw);
      const label = id ? `rule "${id}" (#${index})` : `rule #${index}`;
      const ruleIssues: FileIssue[] = validatePolicyRule(raw, at);
      if (isMapping(raw)) {
        if (raw.effect === 'deny' && raw.scopes !== undefined) {
          ruleIssues.push({ path: [...at, 'scopes'], message: 'scopes apply only to allow rules (a deny applies whatever the token)' });
        }
        const subject = knownSubject(raw.subject);
        if (subject && isMapping(raw.conditions)) {
          for (const issue of validateConditions(subject, raw.conditions))
            ruleIssues.push({ path: [...at, ...issue.path], message: issue.message });
        }
      }
      if (id) {
        const first = firstSeen.get(id);
        if (first) ruleIssues.push({ path: [...at, 'id'], message: `duplicate rule id "${id}" (first in ${first})` });
        else firstSeen.set(id, `${source.file} #${index}`);
      }
      fileIssues.push(...ruleIssues.map((issue) => ({ ...issue, label })));
      // Valid and free of unknown keys, nothing converted: the rule is the value as written.
      if (ruleIssues.length === 0) rules.push(raw as PolicyRule);
    });
    problems.push(...problemLines(source, fileIssues));
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

/** A problem of a rule, named by its label (`rule "id" (#2)`). */
interface LabelledIssue extends FileIssue {
  label?: string;
}

/** `file:line: rule "id" (#2) at /pointer: message`, one per issue, in the order of the file's lines. */
function problemLines(source: YamlSource, issues: readonly LabelledIssue[]): string[] {
  return inFileOrder(source, issues).map(
    (issue) => `${source.file}:${issue.line}: ${issue.label ? `${issue.label} ` : ''}at ${jsonPointer(issue.path)}: ${issue.message}`,
  );
}

function ruleIdOf(raw: unknown): string | undefined {
  return isMapping(raw) && typeof raw.id === 'string' && raw.id.length > 0 ? raw.id : undefined;
}

function knownSubject(value: unknown): PolicySubject | undefined {
  return (POLICY_SUBJECTS as readonly unknown[]).includes(value) ? (value as PolicySubject) : undefined;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}
