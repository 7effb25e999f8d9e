import { Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm, unlink, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { AuditEventEntity } from '../audit-event.entity';

const ACTIVE = 'active.ndjson';
const OWNER = 'owner.json';
const SEGMENT = /^segment-\d{15}-\d{6}\.ndjson$/;
/** An owner that has not touched its owner file for this long (another host, say) has stopped. */
const ABANDONED_AFTER_MS = 60_000;

/** Chains whose spool is open in this process (tests run several gateways in one process). */
const LIVE_IN_THIS_PROCESS = new Set<string>();

interface SpoolOwner {
  pid: number;
  hostname: string;
  chain: string;
  startedAt: string;
}

/**
 * The durable local spool for audit events the database could not take: one directory per database
 * (so that a spool is never replayed into another database) and, inside, one directory per writing
 * process (its chain id), so that replicas or test processes sharing a spool directory never write to
 * the same file. A process appends to its own `active.ndjson` (one event per line, fsync'd before the
 * append counts), and replays by first renaming the active file to a new segment (atomic), inserting
 * each segment's events idempotently, then deleting the segment. The directories of processes that
 * ended without draining (crash, kill -9) are adopted and replayed by the next process that runs.
 * A crash at any point leaves every event in a file that is replayed again; ids make replays idempotent.
 */
export class AuditSpool {
  private readonly logger = new Logger(AuditSpool.name);
  /** Events in spool files not yet confirmed in the database. */
  private pendingEvents = 0;
  private ownActiveHasData = false;
  private ownerWritten = false;
  private lastStamp = 0;
  private counter = 0;
  private readonly counted = new Set<string>();
  readonly dir: string;

  constructor(
    readonly root: string,
    readonly chain: string,
  ) {
    this.dir = join(root, chain);
    LIVE_IN_THIS_PROCESS.add(chain);
  }

  /** `<spoolDir>/<digest of the database's identity>`: never credentials, never a host name in clear. */
  static rootFor(spoolDir: string, databaseIdentity: string): string {
    return join(resolve(spoolDir), createHash('sha256').update(databaseIdentity).digest('hex').slice(0, 16));
  }

  get depth(): number {
    return this.pendingEvents;
  }

  /** Whether anything is waiting in a spool file: then new events must queue behind it. */
  get pending(): boolean {
    return this.pendingEvents > 0 || this.ownActiveHasData;
  }

  /**
   * Finds directories left by processes that stopped, and counts their events. Synchronous and cheap
   * (directory listings and line counts), so that a starting process knows before its first event.
   */
  discover(): void {
    for (const dir of this.abandonedDirs()) {
      if (this.counted.has(dir)) continue;
      this.counted.add(dir);
      for (const file of spoolFilesOf(dir)) this.pendingEvents += countLines(join(dir, file));
    }
  }

  /** Appends events (already hashed) and fsyncs: they are durable when this resolves. */
  async append(rows: readonly AuditEventEntity[]): Promise<void> {
    if (rows.length === 0) return;
    await this.ensureOwnDir();
    const handle = await open(join(this.dir, ACTIVE), 'a');
    try {
      await handle.appendFile(rows.map((row) => `${JSON.stringify(row)}\n`).join(''), 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    this.ownActiveHasData = true;
    this.pendingEvents += rows.length;
  }

  /**
   * Replays everything spooled, oldest first: abandoned directories, then this process's segments.
   * `insert` must be idempotent (ids); a failure stops the replay and leaves the rest for next time.
   */
  async replay(insert: (rows: AuditEventEntity[]) => Promise<void>, chunkSize: number): Promise<void> {
    this.discover();
    for (const dir of this.abandonedDirs()) {
      for (const file of spoolFilesOf(dir)) await this.replayFile(join(dir, file), insert, chunkSize);
      await rm(dir, { recursive: true, force: true });
      this.counted.delete(dir);
      this.logger.log({ event: 'audit.spool.adopted', dir }, 'replayed the audit spool of a stopped process');
    }
    if (this.ownActiveHasData) {
      await rename(join(this.dir, ACTIVE), join(this.dir, this.nextSegmentName()));
      this.ownActiveHasData = false;
    }
    if (!existsSync(this.dir)) return;
    for (const file of (await readdir(this.dir)).filter((name) => SEGMENT.test(name)).sort()) {
      await this.replayFile(join(this.dir, file), insert, chunkSize);
    }
  }

  /** Marks this process's directory as alive, for processes on other hosts sharing the directory. */
  async heartbeat(): Promise<void> {
    if (!this.ownerWritten) return;
    const now = new Date();
    await utimes(join(this.dir, OWNER), now, now).catch(() => undefined);
  }

  /** Removes this process's directory when nothing is left in it. */
  async close(): Promise<void> {
    LIVE_IN_THIS_PROCESS.delete(this.chain);
    if (!this.ownerWritten || this.pending) return;
    const left = (await readdir(this.dir).catch(() => [] as string[])).filter((name) => name !== OWNER);
    if (left.length === 0) await rm(this.dir, { recursive: true, force: true });
  }

  private async replayFile(path: string, insert: (rows: AuditEventEntity[]) => Promise<void>, chunkSize: number): Promise<void> {
    let chunk: AuditEventEntity[] = [];
    let lines = 0;
    let unreadable = 0;
    const input = createReadStream(path, { encoding: 'utf8' });
    try {
      for await (const line of createInterface({ input, crlfDelay: Infinity })) {
        if (line.length === 0) continue;
        lines += 1;
        const row = parseLine(line);
        if (!row) {
          // Only a write cut short by a crash (the last line, never fsync'd as a whole) can look like this.
          unreadable += 1;
          continue;
        }
        chunk.push(row);
        if (chunk.length >= chunkSize) {
          await insert(chunk);
          chunk = [];
        }
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // replayed by another process meanwhile
      throw error;
    } finally {
      input.destroy();
    }
    if (chunk.length > 0) await insert(chunk);
    if (unreadable > 0) this.logger.warn({ event: 'audit.spool.unreadable_lines', path, lines: unreadable }, 'skipped torn spool lines');
    await unlink(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    this.pendingEvents = Math.max(0, this.pendingEvents - lines);
  }

  private async ensureOwnDir(): Promise<void> {
    if (this.ownerWritten) return;
    await mkdir(this.dir, { recursive: true });
    const owner: SpoolOwner = { pid: process.pid, hostname: hostname(), chain: this.chain, startedAt: new Date().toISOString() };
    const handle = await open(join(this.dir, OWNER), 'w');
    try {
      await handle.writeFile(JSON.stringify(owner));
      await handle.sync();
    } finally {
      await handle.close();
    }
    this.ownerWritten = true;
  }

  private nextSegmentName(): string {
    this.lastStamp = Math.max(this.lastStamp, Date.now());
    this.counter = (this.counter + 1) % 1_000_000;
    return `segment-${String(this.lastStamp).padStart(15, '0')}-${String(this.counter).padStart(6, '0')}.ndjson`;
  }

  /** Sibling directories whose process has stopped, oldest chain first (chain ids sort by start time). */
  private abandonedDirs(): string[] {
    if (!existsSync(this.root)) return [];
    return readdirSync(this.root, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && entry.name !== this.chain)
      .map((entry) => join(this.root, entry.name))
      .filter((dir) => isAbandoned(dir))
      .sort();
  }
}

/** Segments in name (creation) order, then the active file that was being appended to. */
function spoolFilesOf(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return [...names.filter((name) => SEGMENT.test(name)).sort(), ...names.filter((name) => name === ACTIVE)];
}

function isAbandoned(dir: string): boolean {
  try {
    const ownerPath = join(dir, OWNER);
    if (!existsSync(ownerPath)) return Date.now() - statSync(dir).mtimeMs > ABANDONED_AFTER_MS;
    const owner = JSON.parse(readFileSync(ownerPath, 'utf8')) as SpoolOwner;
    if (owner.hostname === hostname()) {
      // Our own pid on a chain not open here is an earlier incarnation (containers restart as pid 1).
      if (owner.pid === process.pid) return !LIVE_IN_THIS_PROCESS.has(owner.chain);
      return !processExists(owner.pid);
    }
    return Date.now() - statSync(ownerPath).mtimeMs > ABANDONED_AFTER_MS;
  } catch {
    return false;
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function countLines(path: string): number {
  try {
    const content = readFileSync(path);
    let lines = 0;
    for (const byte of content) if (byte === 0x0a) lines += 1;
    return lines;
  } catch {
    return 0;
  }
}

function parseLine(line: string): AuditEventEntity | null {
  try {
    const row = JSON.parse(line) as AuditEventEntity & { occurredAt: string };
    if (typeof row.id !== 'string' || typeof row.occurredAt !== 'string') return null;
    return { ...row, occurredAt: new Date(row.occurredAt) };
  } catch {
    return null;
  }
}
