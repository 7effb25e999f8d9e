import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** Databases this helper creates, and the only ones it agrees to drop. */
const TEST_DATABASE_NAME = /^infergate_it_[0-9a-f]+$/;

/**
 * The PostgreSQL server the integration suite runs against, as a URL whose database the suite may
 * connect to (it only creates and drops databases of its own there). Never skipped: a missing
 * variable is an error, so that a misconfigured CI run cannot pass by testing nothing.
 */
export function testDatabaseUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    throw new Error(
      'TEST_DATABASE_URL is not set: the integration suite needs a PostgreSQL server, e.g. TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test',
    );
  }
  return url;
}

/** The URL of `database` on the TEST_DATABASE_URL server. */
export function urlOfDatabase(database: string): string {
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${database}`;
  return url.toString();
}

/** The database name of a postgres:// URL. */
export function databaseNameOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}

/** Runs `work` with a client connected to `url`, and always disconnects. */
export async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** One query against `url`, on a connection of its own; returns the rows. */
export async function queryRows<T extends Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  return withClient(url, async (client) => (await client.query<T>(sql, params)).rows);
}

/** Whether `table` exists in the public schema of the database at `url`. */
export async function tableExists(url: string, table: string): Promise<boolean> {
  const [row] = await queryRows<{ found: string | null }>(url, 'SELECT to_regclass($1)::text AS found', [`public.${table}`]);
  return row.found !== null;
}

/** Creates an empty, uniquely named database (infergate_it_<hex>) and returns its URL. */
export async function createTestDatabase(): Promise<string> {
  const name = `infergate_it_${randomBytes(6).toString('hex')}`;
  await withClient(testDatabaseUrl(), (client) => client.query(`CREATE DATABASE ${quoteIdentifier(name)}`));
  return urlOfDatabase(name);
}

/**
 * Terminates every connection to a database made by createTestDatabase and drops it. Accepts its name
 * or its URL. Retries briefly, since a client that reconnects in between would make DROP fail.
 */
export async function dropTestDatabase(nameOrUrl: string): Promise<void> {
  const name = nameOrUrl.includes('://') ? databaseNameOf(nameOrUrl) : nameOrUrl;
  if (!TEST_DATABASE_NAME.test(name))
    throw new Error(`refusing to drop ${JSON.stringify(name)}: not a database made by createTestDatabase`);
  await withClient(testDatabaseUrl(), async (client) => {
    for (let attempt = 1; ; attempt += 1) {
      await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
      try {
        await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)}`);
        return;
      } catch (error) {
        // 55006 object_in_use: someone connected again between the two statements.
        if ((error as { code?: string }).code !== '55006' || attempt >= 10) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  });
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
