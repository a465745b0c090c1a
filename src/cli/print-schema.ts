// `npm run schema:print`: writes the GraphQL SDL to src/schema/schema.graphql.
import { writeFileSync } from "node:fs";
import { runCommand } from "./run-command";
import { createEventBus } from "../events/event-bus";
import { printedSchema, schemaFilePath } from "../schema/schema-file";
import { buildSchema } from "../server/build-schema";

runCommand(async () => {
  writeFileSync(schemaFilePath, printedSchema(await buildSchema(createEventBus())));
  process.stdout.write(`Wrote ${schemaFilePath}\n`);
});
