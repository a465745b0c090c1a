// Column shorthands shared by migrations; the Table API turns them into the right SQL for SQLite and MySQL.
import type { TableColumnOptions } from "typeorm";

export const id: TableColumnOptions = { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" };
export const time = (name: string, isNullable = false): TableColumnOptions => ({ name, type: "datetime", precision: 3, isNullable });
export const text = (name: string, length: number, isNullable = false): TableColumnOptions => ({ name, type: "varchar", length: String(length), isNullable });
export const flag = (name: string, defaultValue: boolean): TableColumnOptions => ({ name, type: "boolean", default: defaultValue, isNullable: false });
export const integer = (name: string, isNullable = false): TableColumnOptions => ({ name, type: "integer", isNullable });
/** Money in fen and points totals: BIGINT, read back as a number by the entities' transformer. */
export const big = (name: string, isNullable = false): TableColumnOptions => ({ name, type: "bigint", isNullable });
