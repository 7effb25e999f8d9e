import { Injectable, Optional } from '@nestjs/common';
import { GatewayMetrics } from '@infergate/observability';
import { PII_DETECTORS, PiiDetector, PiiRule } from '../contract/input-contract';
import { escapePointer } from '../contract/violation-messages';
import {
  DEFAULT_NATIONAL_ID_FORMATS,
  detectorApplies,
  findEmails,
  findIbans,
  findIpAddresses,
  findNationalIds,
  findPaymentCards,
  findPhones,
  NationalIdFormat,
  profileText,
  Span,
} from './detectors';

/** What a match is reported as: a detector, or a planted canary string. */
export type PiiFinding = PiiDetector | 'canary';

/** One kind of finding at one place; never the matched value. */
export interface PiiMatch {
  detector: PiiFinding;
  count: number;
  /** JSON pointer of the string that held it ('' for a top-level string or a text answer). */
  pointer: string;
  /** What the rule did about it. */
  action: 'reject' | 'redact' | 'block' | 'allow';
}

export interface PiiInputScan {
  /** reject: answer 422 without forwarding; forward: send `body` upstream. */
  action: 'forward' | 'reject';
  /** The body to forward: a redacted copy when something was redacted, the original otherwise. */
  body: unknown;
  matches: PiiMatch[];
}

export interface PiiOutputScan {
  /** block: do not return the answer; forward: return `body`. */
  action: 'forward' | 'block';
  body: unknown;
  matches: PiiMatch[];
}

/** Bounded work: strings (or the chars of them) beyond these are not scanned, and the scan says so. */
export const PII_SCAN_LIMITS = { maxStrings: 100_000, maxChars: 16 * 1024 * 1024 };

type Finder = (text: string) => Span[];

interface PreparedRule {
  customNationalIds: boolean;
  input: [PiiDetector, Finder, 'reject' | 'redact'][];
  output: [PiiDetector, Finder, 'block' | 'redact'][];
}

/**
 * Finds personal data in request and answer bodies and applies a model version's PII rule: reject or
 * redact before forwarding, block or redact before answering, canaries always checked on answers.
 * Matched values are never returned, logged or counted by value; callers audit the `matches`.
 */
@Injectable()
export class PiiScanner {
  private readonly prepared = new WeakMap<PiiRule, PreparedRule>();

  constructor(@Optional() private readonly metrics?: GatewayMetrics) {}

  /** Applies the rule's input actions to a request body (JSON value). The original is never modified. */
  scanInput(rule: PiiRule, body: unknown): PiiInputScan {
    const { input, customNationalIds } = this.prepare(rule);
    if (input.length === 0) return { action: 'forward', body, matches: [] };
    const replacements: Replacement[] = [];
    const matches: PiiMatch[] = [];
    let reject = false;
    walkStrings(body, (text, location) => {
      const profile = profileText(text);
      const redactSpans: LabelledSpan[] = [];
      for (const [detector, find, action] of input) {
        if (!detectorApplies(detector, profile, customNationalIds)) continue;
        const spans = find(text);
        if (spans.length === 0) continue;
        matches.push({ detector, count: spans.length, pointer: pointerOf(pathOf(location)), action });
        if (action === 'reject') reject = true;
        else for (const span of spans) redactSpans.push({ ...span, label: detector });
      }
      if (redactSpans.length > 0) replacements.push({ path: pathOf(location), value: redact(text, redactSpans) });
    });
    this.count(matches, 'input');
    if (reject) return { action: 'reject', body, matches };
    return { action: 'forward', body: applyReplacements(body, replacements), matches };
  }

  /** Applies the rule's output actions and canaries to an answer: a JSON value or a text. */
  scanOutput(rule: PiiRule, body: unknown): PiiOutputScan {
    const { output, customNationalIds } = this.prepare(rule);
    // Defaults applied here too: a rule read back from storage may not have been through piiRuleSchema.
    const canaries = rule.canaries ?? [];
    const canaryAction = rule.canaryAction ?? 'block';
    if (output.length === 0 && canaries.length === 0) return { action: 'forward', body, matches: [] };
    const replacements: Replacement[] = [];
    const matches: PiiMatch[] = [];
    let block = false;
    walkStrings(body, (text, location) => {
      const profile = profileText(text);
      const redactSpans: LabelledSpan[] = [];
      for (const [detector, find, action] of output) {
        if (!detectorApplies(detector, profile, customNationalIds)) continue;
        const spans = find(text);
        if (spans.length === 0) continue;
        matches.push({ detector, count: spans.length, pointer: pointerOf(pathOf(location)), action });
        if (action === 'block') block = true;
        else for (const span of spans) redactSpans.push({ ...span, label: detector });
      }
      if (canaries.length > 0) {
        const spans = findCanaries(text, canaries);
        if (spans.length > 0) {
          matches.push({ detector: 'canary', count: spans.length, pointer: pointerOf(pathOf(location)), action: canaryAction });
          if (canaryAction === 'block') block = true;
          else for (const span of spans) redactSpans.push({ ...span, label: 'canary' });
        }
      }
      if (redactSpans.length > 0) replacements.push({ path: pathOf(location), value: redact(text, redactSpans) });
    });
    this.count(matches, 'output');
    if (block) return { action: 'block', body, matches };
    return { action: 'forward', body: applyReplacements(body, replacements), matches };
  }

  private count(matches: PiiMatch[], direction: 'input' | 'output'): void {
    if (!this.metrics) return;
    for (const match of matches) this.metrics.piiMatches.inc({ detector: match.detector, direction, action: match.action }, match.count);
  }

  /** Detector lists per rule object, with its national id formats compiled once. */
  private prepare(rule: PiiRule): PreparedRule {
    let prepared = this.prepared.get(rule);
    if (prepared) return prepared;
    const formats = nationalIdFormats(rule);
    const finders: Record<PiiDetector, Finder> = {
      email: findEmails,
      phone: findPhones,
      paymentCard: findPaymentCards,
      iban: findIbans,
      nationalId: (text) => findNationalIds(text, formats),
      ipAddress: findIpAddresses,
    };
    prepared = { customNationalIds: rule.nationalIdPatterns !== undefined, input: [], output: [] };
    for (const detector of PII_DETECTORS) {
      const inputAction = rule.input?.[detector];
      if (inputAction && inputAction !== 'allow') prepared.input.push([detector, finders[detector], inputAction]);
      const outputAction = rule.output?.[detector];
      if (outputAction && outputAction !== 'allow') prepared.output.push([detector, finders[detector], outputAction]);
    }
    this.prepared.set(rule, prepared);
    return prepared;
  }
}

function nationalIdFormats(rule: PiiRule): readonly NationalIdFormat[] {
  if (!rule.nationalIdPatterns) return DEFAULT_NATIONAL_ID_FORMATS;
  return rule.nationalIdPatterns.map(({ name, pattern }) => ({ name, pattern: new RegExp(pattern, 'gu') }));
}

function findCanaries(text: string, canaries: readonly string[]): Span[] {
  const spans: Span[] = [];
  for (const canary of canaries) {
    let at = text.indexOf(canary);
    while (at !== -1) {
      spans.push({ start: at, end: at + canary.length });
      at = text.indexOf(canary, at + canary.length);
    }
  }
  return spans;
}

interface LabelledSpan extends Span {
  label: PiiFinding;
}

/** Replaces each span by `[REDACTED:<detector>]`; overlapping spans merge into the first one's label. */
export function redact(text: string, spans: LabelledSpan[]): string {
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  let out = '';
  let cursor = 0;
  for (const span of spans) {
    if (span.end <= cursor) continue;
    if (span.start < cursor) {
      cursor = span.end;
      continue;
    }
    out += `${text.slice(cursor, span.start)}[REDACTED:${span.label}]`;
    cursor = span.end;
  }
  return out + text.slice(cursor);
}

type PathSegment = string | number;

interface Replacement {
  path: PathSegment[];
  value: string;
}

/** Where a string sits: a link to its container's location, turned into a path only when needed. */
interface Location {
  parent?: Location;
  key: PathSegment;
}

function pathOf(location: Location | undefined): PathSegment[] {
  const path: PathSegment[] = [];
  for (let at = location; at; at = at.parent) path.push(at.key);
  return path.reverse();
}

/**
 * Visits every string value of a JSON value, iteratively (no recursion), bounded by PII_SCAN_LIMITS.
 * Object keys are not scanned: feature names come from the contract.
 */
function walkStrings(root: unknown, visit: (text: string, location: Location | undefined) => void): void {
  let strings = 0;
  let chars = 0;
  const stack: { value: unknown; location?: Location }[] = [{ value: root }];
  while (stack.length > 0) {
    const { value, location } = stack.pop()!;
    if (typeof value === 'string') {
      if (++strings > PII_SCAN_LIMITS.maxStrings || (chars += value.length) > PII_SCAN_LIMITS.maxChars) return;
      visit(value, location);
    } else if (Array.isArray(value)) {
      for (let index = value.length - 1; index >= 0; index--) {
        const item: unknown = value[index];
        if (typeof item === 'string' || (typeof item === 'object' && item !== null))
          stack.push({ value: item, location: { parent: location, key: index } });
      }
    } else if (typeof value === 'object' && value !== null) {
      const keys = Object.keys(value);
      for (let index = keys.length - 1; index >= 0; index--) {
        const item: unknown = (value as Record<string, unknown>)[keys[index]];
        if (typeof item === 'string' || (typeof item === 'object' && item !== null))
          stack.push({ value: item, location: { parent: location, key: keys[index] } });
      }
    }
  }
}

function pointerOf(path: PathSegment[]): string {
  return path.map((segment) => `/${escapePointer(String(segment))}`).join('');
}

/** A copy of `root` with the replaced strings; only the containers on their paths are copied. */
function applyReplacements(root: unknown, replacements: Replacement[]): unknown {
  if (replacements.length === 0) return root;
  if (replacements.length === 1 && replacements[0].path.length === 0) return replacements[0].value;
  const copies = new Map<unknown, unknown>();
  const copyOf = (container: unknown): Record<PathSegment, unknown> => {
    let copy = copies.get(container);
    if (!copy) {
      copy = Array.isArray(container) ? [...(container as unknown[])] : { ...(container as Record<string, unknown>) };
      copies.set(container, copy);
    }
    return copy as Record<PathSegment, unknown>;
  };
  const result = copyOf(root);
  for (const { path, value } of replacements) {
    let original: unknown = root;
    let target = result;
    for (let index = 0; index < path.length - 1; index++) {
      original = (original as Record<PathSegment, unknown>)[path[index]];
      const next = copyOf(original);
      target[path[index]] = next;
      target = next;
    }
    target[path[path.length - 1]] = value;
  }
  return result;
}
