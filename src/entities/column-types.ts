// Column transformers shared by entities, so both databases give back the same JavaScript values.
import type { ValueTransformer } from "typeorm";

/** BIGINT comes back as a string from MySQL; money and points stay well inside 2^53. */
export const bigintAsNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null || value === undefined ? value : Number(value)),
};

/** SQLite stores booleans as 0/1 and MySQL as TINYINT; the API wants true/false. */
export const integerAsBoolean: ValueTransformer = {
  to: (value: boolean | null | undefined) => value,
  from: (value: number | boolean | null) => (value === null || value === undefined ? value : Boolean(value)),
};
