// Every migration, in order. Listed by hand so the compiled server needs no file globbing.
import { CoreSchema1763856000000 } from "./1763856000000-core-schema";

export const migrations = [CoreSchema1763856000000];
