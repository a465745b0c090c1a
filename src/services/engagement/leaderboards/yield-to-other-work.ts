/**
 * Lets the event loop serve requests before the next step of a long job. better-sqlite3 answers synchronously, and
 * awaiting its already-settled promises only runs microtasks, so without this a refresh would hold the server's
 * requests until it finished.
 */
export const yieldToOtherWork = () => new Promise<void>((resolve) => setImmediate(resolve));
