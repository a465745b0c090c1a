// updateRowsById writes each row's own values by key, exactly as manager.save would: dates, nulls, booleans and
// transformed columns, rows left out untouched, more rows than one statement holds.
import type { DataSource } from "typeorm";
import { openDatabase } from "../../src/database/data-source";
import { updateRowsById } from "../../src/database/bulk-update";
import { WebhookEndpointRecord } from "../../src/entities";
import { testDatabaseKinds, type ScratchDatabase } from "../support/databases";

describe.each(testDatabaseKinds())("updateRowsById on $name", (kind) => {
  let scratch: ScratchDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    scratch = await kind.create();
    ({ dataSource } = await openDatabase(scratch.config, { runMigrations: true }));
  }, 60_000);

  afterAll(async () => {
    await dataSource?.destroy();
    await scratch?.drop();
  });

  it("sets the listed columns of each row to that row's values and touches nothing else", async () => {
    const created = new Date("2026-11-23T04:00:00.123Z");
    const repository = dataSource.getRepository(WebhookEndpointRecord);
    // 5,000 rows with three columns updated: more than one statement's 30,000 parameters.
    const rows = Array.from({ length: 5_000 }, (_, index) => ({
      url: `https://example.com/${index}`, description: `d${index}`, eventTypes: ["SEGMENT_MOVED" as const], schemeId: null, secretEncrypted: "x", active: true, createdBy: "test", createdAt: created, updatedAt: created,
    }));
    for (let start = 0; start < rows.length; start += 500) await repository.insert(rows.slice(start, start + 500));
    const saved = await repository.find({ order: { id: "ASC" } });
    const changed = saved.filter((_, index) => index % 2 === 0).map((row, index) => ({
      ...row,
      description: `changed ${row.id}`,
      active: index % 3 !== 0,
      eventTypes: index % 5 === 0 ? (["SEGMENT_MOVED", "CAMPAIGN_MESSAGE"] as WebhookEndpointRecord["eventTypes"]) : row.eventTypes,
      updatedAt: new Date(created.getTime() + row.id),
      url: "not written: not listed",
    }));
    await dataSource.transaction((manager) => updateRowsById(manager, WebhookEndpointRecord, changed, ["description", "active", "eventTypes", "updatedAt"]));
    const after = new Map((await repository.find()).map((row) => [row.id, row]));
    const expected = new Map(saved.map((row) => [row.id, row]));
    for (const row of changed) expected.set(row.id, { ...row, url: expected.get(row.id)!.url });
    expect(after.size).toBe(5_000);
    for (const [id, row] of expected) expect(after.get(id)).toEqual(row);
  }, 60_000);
});
