import { Field, ID, InterfaceType } from "type-graphql";

@InterfaceType({ description: "An object with a stable global id; fetch any of them again with `node(id)`." })
export abstract class Node {
  @Field(() => ID)
  id: string;
}
