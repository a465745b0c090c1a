// The floor: the same page fetched with one minimal SQL statement through the bare driver, serialised
// by a bare Node http handler. No GraphQL, no ORM, no auth: what the database and JSON cost alone.
import http from "node:http";
import Sqlite from "better-sqlite3";
import { createPool } from "mysql2/promise";
import type { DatabaseConfig } from "../src/config";
import { toGlobalId } from "../src/schema/global-id";
import { encodeCursor } from "../src/schema/paging";
import { membersPageSize } from "./members-page";

// The page is cut first, then joined: with a plain JOIN, MariaDB drives from the four-row tiers table and sorts
// every member (8 ms at 10,000 members); this form reads 21 rows by primary key on both databases.
const pageSql = `SELECT m.id, m.name, m.phone_masked, m.city, m.join_channel, m.joined_at, t.id AS tier_id, t.code AS tier_code, t.name_zh AS tier_name
  FROM (SELECT id, name, phone_masked, city, join_channel, joined_at, tier_id FROM members ORDER BY id LIMIT ${membersPageSize + 1}) m
  JOIN tiers t ON t.id = m.tier_id ORDER BY m.id`;

interface PageRow {
  id: number;
  name: string;
  phone_masked: string;
  city: string | null;
  join_channel: string;
  joined_at: string | Date;
  tier_id: number;
  tier_code: string;
  tier_name: string;
}

/** SQLite returns "2026-11-23 08:00:00.000" (UTC); mysql2 with timezone Z returns a Date. */
function isoTime(value: string | Date): string {
  return value instanceof Date ? value.toISOString() : new Date(`${value.replace(" ", "T")}Z`).toISOString();
}

function pageBody(rows: PageRow[]): string {
  const page = rows.slice(0, membersPageSize);
  const edges = page.map((row) => ({
    cursor: encodeCursor("member", row.id),
    node: {
      id: toGlobalId("Member", row.id),
      name: row.name,
      phone: row.phone_masked,
      city: row.city,
      joinChannel: row.join_channel,
      joinedAt: isoTime(row.joined_at),
      tier: { id: toGlobalId("Tier", row.tier_id), code: row.tier_code, name: row.tier_name },
    },
  }));
  const last = page[page.length - 1];
  return JSON.stringify({ data: { members: { edges, pageInfo: { hasNextPage: rows.length > membersPageSize, endCursor: last ? encodeCursor("member", last.id) : null } } } });
}

export interface FloorServer {
  server: http.Server;
  statements(): number;
  close(): Promise<void>;
}

export function createFloorServer(database: DatabaseConfig): FloorServer {
  let statements = 0;
  let fetchPage: () => Promise<PageRow[]>;
  let closeDatabase: () => Promise<void>;
  if (database.type === "sqlite") {
    const connection = new Sqlite(database.path, { readonly: true });
    const statement = connection.prepare(pageSql);
    fetchPage = async () => statement.all() as PageRow[];
    closeDatabase = async () => void connection.close();
  } else {
    // The same pool size as the application's TypeORM pool.
    const pool = createPool({ host: database.host, port: database.port, user: database.username, password: database.password, database: database.database, timezone: "Z", connectionLimit: 10 });
    fetchPage = async () => (await pool.query(pageSql))[0] as PageRow[];
    closeDatabase = () => pool.end();
  }
  const server = http.createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      statements += 1;
      fetchPage().then(
        (rows) => {
          response.writeHead(200, { "content-type": "application/json" });
          response.end(pageBody(rows));
        },
        (error: unknown) => {
          response.writeHead(500);
          response.end(String(error));
        },
      );
    });
  });
  return {
    server,
    statements: () => statements,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await closeDatabase();
    },
  };
}
