import fc from "fast-check";
import { renderTemplate, TemplateError, templateProblems, templateVariables } from "../../src/engine";

const values = { name: "李娜", tier: "GOLD", points: 1200, expiringPoints: 300, couponCode: "SPRING-8F3K" };

describe("renderTemplate", () => {
  it("fills each placeholder, with or without spaces inside the braces", () => {
    const template = "{{name}}，您的{{ tier }}会员积分 {{points}}，其中 {{expiringPoints}} 分即将过期。优惠码：{{couponCode}}";
    expect(renderTemplate(template, values)).toBe("李娜，您的GOLD会员积分 1200，其中 300 分即将过期。优惠码：SPRING-8F3K");
  });

  it("renders a missing value as nothing", () => {
    expect(renderTemplate("Hi {{name}}, code: {{couponCode}}.", { name: "Ana", couponCode: null })).toBe("Hi Ana, code: .");
    expect(renderTemplate("[{{points}}]", { points: Number.NaN })).toBe("[]");
    expect(renderTemplate("[{{tier}}]", {})).toBe("[]");
  });

  it("inserts values as they are for SMS, and escapes them (not the template) for HTML", () => {
    const naughty = { name: `<b>Tom & "Jerry"</b>'s` };
    expect(renderTemplate("<p>Hi {{name}} <3</p>", naughty)).toBe(`<p>Hi <b>Tom & "Jerry"</b>'s <3</p>`);
    expect(renderTemplate("<p>Hi {{name}}</p>", naughty, { format: "html" })).toBe("<p>Hi &lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt;&#39;s</p>");
  });

  it("never reads a value as a template, and never reaches the object's prototype", () => {
    expect(renderTemplate("{{name}}", { name: "{{couponCode}}", couponCode: "SECRET" })).toBe("{{couponCode}}");
    expect(renderTemplate("[{{name}}]", Object.create({ name: "inherited" }) as Record<string, string>)).toBe("[]");
    expect(renderTemplate("[{{constructor}}]", {}, { allowedVariables: ["constructor"] })).toBe("[]");
  });

  it("leaves text without placeholders, and a lone }}, alone", () => {
    expect(renderTemplate("", values)).toBe("");
    expect(renderTemplate("a{b}c }} d", values)).toBe("a{b}c }} d");
  });

  it("refuses a template with problems, listing them all", () => {
    const render = () => renderTemplate("Hi {{nickname}}, {{ points + 1 }} {{tier}}", values);
    expect(render).toThrow(TemplateError);
    expect(render).toThrow(
      'The template has 2 problems. Line 1, column 4: "nickname" is not a variable a message can use (name, tier, points, expiringPoints, couponCode). Line 1, column 18: "{{ points + 1 }}" is not a variable: a placeholder holds one name, such as {{name}}.',
    );
  });

  it("renders any text without placeholders as itself, and any value verbatim in text format (property)", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (text, name) => {
        fc.pre(!text.includes("{{"));
        expect(renderTemplate(text, values)).toBe(text);
        expect(renderTemplate("{{name}}", { name })).toBe(name);
      }),
      { seed: 23, numRuns: 1_000 },
    );
  });
});

describe("templateProblems", () => {
  it("is empty for a good template", () => {
    expect(templateProblems("{{name}}: {{points}} points")).toEqual([]);
  });

  it("lists unknown variables with where they are", () => {
    expect(templateProblems("Dear {{name}},\nyour {{ balance }} and {{coupon}}.")).toEqual([
      { offset: 20, length: 13, line: 2, column: 6, variable: "balance", message: '"balance" is not a variable a message can use (name, tier, points, expiringPoints, couponCode).' },
      { offset: 38, length: 10, line: 2, column: 24, variable: "coupon", message: '"coupon" is not a variable a message can use (name, tier, points, expiringPoints, couponCode).' },
    ]);
  });

  it("refuses expressions, empty placeholders and unclosed braces", () => {
    expect(templateProblems("{{ name.length }}")[0].message).toMatch(/is not a variable: a placeholder holds one name/);
    expect(templateProblems("{{}}")[0].message).toMatch(/is not a variable/);
    expect(templateProblems("{{ {{name}}")[0]).toMatchObject({ offset: 0, length: 11 });
    expect(templateProblems("Hi {{name")).toEqual([{ offset: 3, length: 6, line: 1, column: 4, message: "A placeholder opened with {{ is not closed with }}." }]);
  });

  it("checks against the allowed names it is given", () => {
    expect(templateProblems("{{storeName}}", ["storeName"])).toEqual([]);
    expect(templateProblems("{{name}}", ["storeName"])).toHaveLength(1);
  });
});

describe("templateVariables", () => {
  it("lists the variables used, each once, in order", () => {
    expect(templateVariables("{{points}} {{name}} {{points}} {{unknown}}")).toEqual(["points", "name"]);
  });
});
