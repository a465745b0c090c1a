import { readFileSync } from "node:fs";
import { createEventBus } from "../../src/events/event-bus";
import { printedSchema, schemaFilePath } from "../../src/schema/schema-file";
import { buildSchema } from "../../src/server/build-schema";

describe("the committed GraphQL schema", () => {
  it("matches the schema the resolvers build (run `npm run schema:print` after changing the API)", async () => {
    const built = printedSchema(await buildSchema(createEventBus()));
    expect(readFileSync(schemaFilePath, "utf8")).toBe(built);
  });
});
