import type { DataSource } from 'typeorm';
import { AuditCheckpointEntity } from '../audit-checkpoint.entity';
import { AuditEventEntity } from '../audit-event.entity';
import { GENESIS_HASH, hashEvent } from './canonical-event';

const PAGE = 1000;
/** How far from its stored position a moved event is looked for (a few thousand hashes: milliseconds). */
const REORDER_WINDOW = 5000;

export type ChainFindingKind = 'changed' | 'deleted' | 'reordered';

/** The first thing wrong with one chain, naming the event where the walk stopped. */
export interface ChainFinding {
  kind: ChainFindingKind;
  chain: string;
  eventId: string;
  seq: number;
  reason: string;
}

export interface ChainSummary {
  chain: string;
  /** Events that remain (after any retention checkpoint). */
  events: number;
  /** Seq of the last pruned event, when retention pruned the start of the chain. */
  checkpointSeq: number | null;
  lastSeq: number | null;
  finding: ChainFinding | null;
}

export interface AuditVerification {
  intact: boolean;
  chains: ChainSummary[];
  /** Rows written before the hash chain existed (no chain, no hash): reported, not verifiable. */
  unchained: number;
  /** The first finding over all chains, in chain order. */
  firstFinding: ChainFinding | null;
}

/**
 * Walks every chain (or one) in seq order from its genesis or retention checkpoint, recomputing each
 * event's hash and checking its link to the one before: a content change breaks the event's own hash,
 * a deletion leaves a seq gap or a broken link, a move shows as an event that hashes correctly only at
 * another position. A deletion of a chain's newest events leaves no trace in the chain itself.
 */
export async function verifyAuditTrail(dataSource: DataSource, options: { chain?: string } = {}): Promise<AuditVerification> {
  const checkpoints = new Map((await dataSource.getRepository(AuditCheckpointEntity).find()).map((cp) => [cp.chain, cp]));
  let names: string[];
  if (options.chain !== undefined) {
    names = [options.chain];
  } else {
    const rows = await dataSource
      .getRepository(AuditEventEntity)
      .createQueryBuilder('event')
      .select('DISTINCT event.chain', 'chain')
      .where('event.chain IS NOT NULL')
      .getRawMany<{ chain: string }>();
    names = [...new Set([...rows.map((row) => row.chain), ...checkpoints.keys()])].sort();
  }
  const unchained = await dataSource.getRepository(AuditEventEntity).createQueryBuilder('event').where('event.hash IS NULL').getCount();

  const chains: ChainSummary[] = [];
  for (const name of names) chains.push(await verifyChain(dataSource, name, checkpoints.get(name) ?? null));
  const firstFinding = chains.find((chain) => chain.finding)?.finding ?? null;
  return { intact: firstFinding === null, chains, unchained, firstFinding };
}

async function verifyChain(dataSource: DataSource, chain: string, checkpoint: AuditCheckpointEntity | null): Promise<ChainSummary> {
  const events = dataSource.getRepository(AuditEventEntity);
  let expectedSeq = checkpoint ? checkpoint.throughSeq + 1 : 1;
  let expectedPrev = checkpoint ? checkpoint.throughHash : GENESIS_HASH;
  let previous: AuditEventEntity | null = null;
  let count = 0;
  const summary = (finding: ChainFinding | null): ChainSummary => ({
    chain,
    events: count,
    checkpointSeq: checkpoint?.throughSeq ?? null,
    lastSeq: previous?.seq ?? null,
    finding,
  });

  // Rows at or before the checkpoint were pruned together with writing it; one that remains was put back.
  let after = -1;
  for (;;) {
    const page = await events
      .createQueryBuilder('event')
      .where('event.chain = :chain AND event.seq > :after', { chain, after })
      .orderBy('event.seq', 'ASC')
      .take(PAGE)
      .getMany();
    for (const row of page) {
      const seq = row.seq ?? 0;
      const finding = check(row, seq, expectedSeq, expectedPrev, previous, chain);
      if (finding) return summary(finding);
      count += 1;
      previous = row;
      expectedSeq = seq + 1;
      expectedPrev = row.hash ?? '';
    }
    if (page.length < PAGE) break;
    after = page[page.length - 1].seq ?? after;
  }
  return summary(null);
}

function check(
  row: AuditEventEntity,
  seq: number,
  expectedSeq: number,
  expectedPrev: string,
  previous: AuditEventEntity | null,
  chain: string,
): ChainFinding | null {
  const at = { chain, eventId: row.id, seq };
  if (row.hash === null || hashEvent(row) !== row.hash) {
    const writtenAt = originalSeq(row);
    if (writtenAt !== null) {
      return { ...at, kind: 'reordered', reason: `event ${row.id} is stored at seq ${seq} but was written at seq ${writtenAt}` };
    }
    return { ...at, kind: 'changed', reason: `event ${row.id} (seq ${seq}) does not match its hash: its stored content was changed` };
  }
  if (seq < expectedSeq) {
    return {
      ...at,
      kind: 'reordered',
      reason: `event ${row.id} (seq ${seq}) lies before the retention checkpoint (seq ${expectedSeq - 1})`,
    };
  }
  if (seq > expectedSeq) {
    const missing = seq - 1 === expectedSeq ? `seq ${expectedSeq} is` : `seq ${expectedSeq}..${seq - 1} are`;
    return { ...at, kind: 'deleted', reason: `${missing} missing before event ${row.id} (seq ${seq}): deleted` };
  }
  if (row.prevHash !== expectedPrev) {
    const before = previous
      ? `event ${previous.id} (seq ${previous.seq})`
      : expectedSeq === 1
        ? 'the chain start'
        : 'the retention checkpoint';
    return {
      ...at,
      kind: 'deleted',
      reason: `event ${row.id} (seq ${seq}) does not link to ${before}: events were deleted and renumbered, or rewritten`,
    };
  }
  return null;
}

/** The seq at which this row's content does hash to its stored hash, if any near its stored seq. */
function originalSeq(row: AuditEventEntity): number | null {
  const stored = row.seq ?? 0;
  if (row.hash === null) return null;
  for (let distance = 1; distance <= REORDER_WINDOW; distance += 1) {
    for (const candidate of [stored - distance, stored + distance]) {
      if (candidate >= 1 && hashEvent({ ...row, seq: candidate }) === row.hash) return candidate;
    }
  }
  return null;
}
