import { Injectable } from '@nestjs/common';
import { ProblemException } from '@infergate/common';
import type { ResolvedModelVersion } from '@infergate/model-registry';
import { PiiScanner, type PiiMatch } from '@infergate/validation';
import { StreamingUnavailableException } from './inference.errors';

/** Personal data the version's rule rejects was found in the request: 422, naming detector types only. */
export class PiiDetectedException extends ProblemException {
  constructor(matches: PiiMatch[]) {
    const rejected = matches.filter((match) => match.action === 'reject');
    const detectors = [...new Set(rejected.map((match) => match.detector))];
    super({
      status: 422,
      slug: 'pii-detected',
      title: 'Unprocessable Content',
      detail: `The request contains personal data this model does not accept (${detectors.join(', ')}).`,
      errors: rejected.map((match) => ({ pointer: match.pointer, detail: `contains ${match.detector} data` })),
      extensions: { detectors },
    });
  }
}

/** The answer contained data the version's output rule blocks (personal data or a canary): 502, nothing returned. */
export class OutputBlockedException extends ProblemException {
  constructor() {
    super({
      status: 502,
      slug: 'output-blocked',
      title: 'Bad Gateway',
      detail: "The model's answer was withheld by this model's output policy.",
    });
  }
}

/** What the screening found, per direction, for the audit record: `detector:count,...` (never values). */
export interface PiiNotes {
  piiInput?: string;
  piiOutput?: string;
}

function summary(matches: PiiMatch[]): string | undefined {
  if (matches.length === 0) return undefined;
  const counts = new Map<string, number>();
  for (const match of matches)
    counts.set(`${match.detector}/${match.action}`, (counts.get(`${match.detector}/${match.action}`) ?? 0) + match.count);
  return [...counts].map(([key, count]) => `${key}:${count}`).join(',');
}

/**
 * The version's PII rule applied on the inference path, over the validation library's PiiScanner:
 * input `reject` → 422 pii-detected, `redact` → the redacted copy goes upstream; output `block` (or a
 * canary) → 502 output-blocked, `redact` → the redacted answer goes back.
 */
@Injectable()
export class PiiScreen {
  constructor(private readonly scanner: PiiScanner) {}

  screenInput<T>(resolved: ResolvedModelVersion, body: T, notes: PiiNotes): T {
    const rule = resolved.version.piiRule;
    if (!rule) return body;
    const scan = this.scanner.scanInput(rule, body);
    notes.piiInput = summary(scan.matches);
    if (scan.action === 'reject') throw new PiiDetectedException(scan.matches);
    return scan.body as T;
  }

  screenOutput<T>(resolved: ResolvedModelVersion, body: T, notes: PiiNotes): T {
    const rule = resolved.version.piiRule;
    if (!rule) return body;
    const scan = this.scanner.scanOutput(rule, body);
    notes.piiOutput = summary(scan.matches);
    if (scan.action === 'block') throw new OutputBlockedException();
    return scan.body as T;
  }

  /**
   * A stream leaves chunk by chunk, so an output rule cannot see a whole answer before it is sent:
   * versions with output checks (detectors set to block/redact, or canaries) answer only unstreamed.
   */
  assertStreamable(resolved: ResolvedModelVersion): void {
    const rule = resolved.version.piiRule;
    if (!rule) return;
    const checksOutput = Object.values(rule.output ?? {}).some((action) => action !== 'allow') || rule.canaries.length > 0;
    if (checksOutput) throw new StreamingUnavailableException();
  }
}
