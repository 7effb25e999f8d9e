import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Plan, PlanAssignments, PlanLimits, PlanSet } from '../rate-limit.types';
import { validatePlanFile, type PlanIssue } from './plan.schema';
import { contentVersion, YamlSource } from '@infergate/common';
import { inFileOrder } from '@infergate/validation';

export interface PlanFileText {
  /** Relative to the plans directory. */
  name: string;
  text: string;
}

export type PlanSetResult = { ok: true; set: PlanSet } | { ok: false; problems: string[] };

/** Thrown when the gateway would otherwise start without a valid plan set; one problem per line. */
export class PlanSetError extends Error {
  constructor(
    readonly problems: string[],
    source = 'plan set',
  ) {
    super(
      `invalid ${source} (${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'PlanSetError';
  }
}

const PLAN_FILE = /\.ya?ml$/;

/** Reads `dir/*.yaml` in file-name order and validates the whole set. */
export async function loadPlanSet(dir: string): Promise<PlanSetResult> {
  let names: string[];
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    names = entries
      .filter((entry) => entry.isFile() && PLAN_FILE.test(entry.name))
      .map((entry) => entry.name)
      .sort();
  } catch (error) {
    return { ok: false, problems: [`${dir}: cannot read the plans directory (${(error as NodeJS.ErrnoException).code ?? String(error)})`] };
  }
  if (names.length === 0) return { ok: false, problems: [`${dir}: no plan files (*.yaml)`] };
  const files = await Promise.all(names.map(async (name) => ({ name, text: await readFile(join(dir, name), 'utf8') })));
  return parsePlanSet(files, (name) => join(dir, name));
}

interface Origin {
  source: YamlSource;
  path: (string | number)[];
}

/** Validates a plan set from its files' contents: schema per file, then duplicates and references across files. */
export function parsePlanSet(files: readonly PlanFileText[], display: (name: string) => string = (name) => name): PlanSetResult {
  const problems: string[] = [];
  const plans: Record<string, Plan> = {};
  const planOrigin = new Map<string, Origin>();
  let defaultPlan: { name: string; origin: Origin } | undefined;
  const organizations: Record<string, string> = {};
  const orgOrigin = new Map<string, Origin>();
  const applications: Record<string, Partial<PlanLimits>> = {};
  const projects: Record<string, Partial<PlanLimits>> = {};
  const overrideOrigin = new Map<string, Origin>();

  for (const file of files) {
    const source = YamlSource.parse(display(file.name), file.text);
    if (source.syntaxErrors.length > 0) {
      problems.push(...source.syntaxErrors);
      continue;
    }
    if (source.value === null || source.value === undefined) continue;
    const parsed = validatePlanFile(source.value);
    if (!parsed.ok) {
      problems.push(...issueLines(source, parsed.issues));
      continue;
    }
    const data = parsed.file;
    for (const [name, plan] of Object.entries(data.plans ?? {})) {
      const origin = { source, path: ['plans', name] };
      const first = planOrigin.get(name);
      if (first) problems.push(source.problem(origin.path, `duplicate plan "${name}" (first in ${first.source.file})`));
      else {
        planOrigin.set(name, origin);
        plans[name] = { name, ...plan };
      }
    }
    if (data.defaultPlan !== undefined) {
      const origin = { source, path: ['defaultPlan'] };
      if (defaultPlan) problems.push(source.problem(origin.path, `defaultPlan is already set in ${defaultPlan.origin.source.file}`));
      else defaultPlan = { name: data.defaultPlan, origin };
    }
    for (const [org, plan] of Object.entries(data.organizations ?? {})) {
      const origin = { source, path: ['organizations', org] };
      const first = orgOrigin.get(org);
      if (first) problems.push(source.problem(origin.path, `organization "${org}" is already assigned in ${first.source.file}`));
      else {
        orgOrigin.set(org, origin);
        organizations[org] = plan;
      }
    }
    for (const [kind, target, entries] of [
      ['applications', applications, data.applications ?? {}],
      ['projects', projects, data.projects ?? {}],
    ] as const) {
      for (const [id, override] of Object.entries(entries)) {
        const origin = { source, path: [kind, id] };
        const first = overrideOrigin.get(`${kind}/${id}`);
        if (first)
          problems.push(source.problem(origin.path, `duplicate override for ${kind.slice(0, -1)} "${id}" (first in ${first.source.file})`));
        else {
          overrideOrigin.set(`${kind}/${id}`, origin);
          target[id] = override;
        }
      }
    }
  }
  if (problems.length > 0) return { ok: false, problems };

  if (Object.keys(plans).length === 0) problems.push('the plan set defines no plans (plans: in a *.yaml file)');
  if (!defaultPlan) problems.push('the plan set has no defaultPlan');
  else if (!plans[defaultPlan.name]) {
    problems.push(defaultPlan.origin.source.problem(defaultPlan.origin.path, `unknown plan "${defaultPlan.name}"`));
  }
  for (const [org, plan] of Object.entries(organizations)) {
    if (plans[plan]) continue;
    const origin = orgOrigin.get(org)!;
    problems.push(origin.source.problem(origin.path, `unknown plan "${plan}"`));
  }
  if (problems.length > 0 || !defaultPlan) return { ok: false, problems };

  const assignments: PlanAssignments = { defaultPlan: defaultPlan.name, organizations, applications, projects };
  const content = deepFreeze({ plans, assignments });
  return { ok: true, set: Object.freeze({ version: planSetVersion(content), ...content }) };
}

/** SHA-256 (hex) of the canonical JSON (sorted keys) of the plans and assignments. */
export function planSetVersion(content: { plans: Record<string, Plan>; assignments: PlanAssignments }): string {
  return contentVersion(content);
}

/** One line per issue, in the order of the file's lines (then as found), so that a reader can go down the file. */
function issueLines(source: YamlSource, issues: readonly PlanIssue[]): string[] {
  return inFileOrder(source, issues).map((issue) => source.problem(issue.path, issue.message));
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}
