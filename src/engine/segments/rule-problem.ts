// A fault in a segment rule, with the path to it, so an operator's editor can point at the exact input.
export class RuleProblem extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path} ${message}`);
    this.name = "RuleProblem";
  }
}

export function badRule(path: string, message: string): RuleProblem {
  return new RuleProblem(path, message);
}
