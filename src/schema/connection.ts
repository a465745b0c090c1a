// Relay connections: `first`/`after` paging with opaque cursors, at most 100 items a page.
import { Field, ObjectType, type ClassType } from "type-graphql";

// simpleResolvers: plain fields use graphql-js's default resolver, without type-graphql's middleware wrapper
// per field (nothing here is guarded per field; lists of members resolve thousands of such fields).
@ObjectType({ simpleResolvers: true })
export class PageInfo {
  @Field()
  hasNextPage: boolean;

  @Field({ description: "Always false: paging runs forward only (`first`/`after`)." })
  hasPreviousPage: boolean;

  @Field(() => String, { nullable: true })
  startCursor: string | null;

  @Field(() => String, { nullable: true })
  endCursor: string | null;
}

export interface Edge<Item> {
  cursor: string;
  node: Item;
}

export function connectionTypes<Item extends object>(itemClass: ClassType<Item>, name: string) {
  @ObjectType(`${name}Edge`, { simpleResolvers: true })
  class EdgeType implements Edge<Item> {
    @Field()
    cursor: string;

    @Field(() => itemClass)
    node: Item;
  }

  @ObjectType({ simpleResolvers: true })
  abstract class ConnectionType {
    @Field(() => [EdgeType])
    edges: EdgeType[];

    @Field(() => PageInfo)
    pageInfo: PageInfo;
  }

  return ConnectionType;
}

/** Builds the connection body from one page of items, each with its cursor. */
export function connectionBody<Item>(items: Item[], cursorOf: (item: Item) => string, hasNextPage: boolean) {
  const edges = items.map((node) => ({ cursor: cursorOf(node), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage,
      hasPreviousPage: false,
      startCursor: edges.length > 0 ? edges[0].cursor : null,
      endCursor: edges.length > 0 ? edges[edges.length - 1].cursor : null,
    },
  };
}
