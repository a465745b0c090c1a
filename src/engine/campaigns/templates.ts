// Campaign message templates: text with {{variable}} placeholders filled per member. A placeholder is a name and
// nothing else: no expressions, filters or calls, so rendering is a look-up and cannot run code. An editor checks a
// template with templateProblems before the campaign is saved; renderTemplate refuses what that would report.
//
// Escaping: for SMS and push the text is sent as it is (no markup to break, so no escaping: "<3" must stay "<3");
// for HTML e-mail, format "html" escapes each value (never the template, which is the operator's own markup).
// A value is inserted once and never read again as a template, so a member named "{{couponCode}}" stays that.

/** The per-member variables a campaign message may use. */
export const memberTemplateVariables = ["name", "tier", "points", "expiringPoints", "couponCode"] as const;

export interface TemplateProblem {
  /** Where the placeholder starts: an offset in UTF-16 code units (as JavaScript strings count), and its length. */
  offset: number;
  length: number;
  /** The same place for people: line and column from 1. */
  line: number;
  column: number;
  /** The variable name, when the problem is an unknown variable. */
  variable?: string;
  message: string;
}

export class TemplateError extends Error {
  constructor(readonly problems: readonly TemplateProblem[]) {
    const listed = problems.map((problem) => `Line ${problem.line}, column ${problem.column}: ${problem.message}`);
    super(`The template has ${problems.length === 1 ? "a problem" : `${problems.length} problems`}. ${listed.join(" ")}`);
    this.name = "TemplateError";
  }
}

type Piece = { text: string } | { variable: string };

const variableName = /^[A-Za-z][A-Za-z0-9_]*$/;

function place(template: string, offset: number): { line: number; column: number } {
  const before = template.slice(0, offset).split("\n");
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

/** The template as text and placeholders, with the problems found on the way. */
function parse(template: string, allowedVariables: readonly string[]): { pieces: Piece[]; problems: TemplateProblem[] } {
  const pieces: Piece[] = [];
  const problems: TemplateProblem[] = [];
  const problem = (offset: number, length: number, message: string, variable?: string) =>
    problems.push({ offset, length, ...place(template, offset), ...(variable === undefined ? {} : { variable }), message });
  let position = 0;
  while (position < template.length) {
    const open = template.indexOf("{{", position);
    if (open < 0) break;
    pieces.push({ text: template.slice(position, open) });
    const close = template.indexOf("}}", open + 2);
    if (close < 0) {
      problem(open, template.length - open, "A placeholder opened with {{ is not closed with }}.");
      position = template.length;
      break;
    }
    const inside = template.slice(open + 2, close).trim();
    const length = close + 2 - open;
    if (!variableName.test(inside)) {
      problem(open, length, `"${template.slice(open, close + 2)}" is not a variable: a placeholder holds one name, such as {{name}}.`);
    } else if (!allowedVariables.includes(inside)) {
      problem(open, length, `"${inside}" is not a variable a message can use (${allowedVariables.join(", ")}).`, inside);
    } else {
      pieces.push({ variable: inside });
    }
    position = close + 2;
  }
  pieces.push({ text: template.slice(position) });
  return { pieces, problems };
}

/** What is wrong with a template, in order of position; empty when it may be saved. */
export function templateProblems(template: string, allowedVariables: readonly string[] = memberTemplateVariables): TemplateProblem[] {
  return parse(template, allowedVariables).problems;
}

/** The variables a (valid) template uses, each once, in order of first use: the values a sender needs to load. */
export function templateVariables(template: string, allowedVariables: readonly string[] = memberTemplateVariables): string[] {
  const names = parse(template, allowedVariables).pieces.flatMap((piece) => ("variable" in piece ? [piece.variable] : []));
  return [...new Set(names)];
}

export type TemplateValue = string | number | null | undefined;

export interface RenderOptions {
  allowedVariables?: readonly string[];
  /** "text" (SMS, push; the default) inserts values as they are; "html" escapes them. */
  format?: "text" | "html";
}

const htmlEntities: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

function valueText(value: TemplateValue, format: "text" | "html"): string {
  // A missing value renders as nothing: a member without a coupon gets the rest of the message.
  const text = value === null || value === undefined || (typeof value === "number" && !Number.isFinite(value)) ? "" : String(value);
  return format === "html" ? text.replace(/[&<>"']/g, (character) => htmlEntities[character]) : text;
}

/** The message for one member; throws a TemplateError listing every problem when the template has any. */
export function renderTemplate(template: string, values: Readonly<Record<string, TemplateValue>>, options: RenderOptions = {}): string {
  const { pieces, problems } = parse(template, options.allowedVariables ?? memberTemplateVariables);
  if (problems.length > 0) throw new TemplateError(problems);
  const format = options.format ?? "text";
  // Own properties only: a name like "constructor" must not reach Object.prototype.
  return pieces.map((piece) => ("text" in piece ? piece.text : valueText(Object.hasOwn(values, piece.variable) ? values[piece.variable] : undefined, format))).join("");
}
