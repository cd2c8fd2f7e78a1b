// Route templates as the dev host matches them (ASP.NET Core routing's rules, which the Functions host
// uses): a table of template × path → route values, the templates it refuses, and precedence.
import { describe, expect, it } from "vitest";
import { compareRoutePrecedence, parseRouteTemplate, splitRequestPath } from "../../local/devHost/routeTemplate.js";

function match(template: string, path: string): Record<string, string> | undefined {
  const segments = splitRequestPath(path);
  if (!segments) throw new Error(`bad path ${path}`);
  return parseRouteTemplate(template).match(segments);
}

describe("route templates", () => {
  it.each([
    { template: "hello/{name}", path: "/hello/Ada", values: { name: "Ada" } },
    { template: "hello/{name}", path: "/HeLLo/Ada", values: { name: "Ada" } },
    { template: "hello/{name}", path: "/hello", values: undefined },
    { template: "hello/{name}", path: "/hello/a/b", values: undefined },
    { template: "blobs/{*name}", path: "/blobs/a/b/c", values: { name: "a/b/c" } },
    { template: "blobs/{*name}", path: "/blobs", values: {} },
    { template: "blobs/{**name}", path: "/blobs/x%20y/z", values: { name: "x y/z" } },
    { template: "blobs/{*name}", path: "/blobs/a%2Fb", values: { name: "a%2Fb" } },
    { template: "things/{id?}", path: "/things", values: {} },
    { template: "things/{id?}", path: "/things/3", values: { id: "3" } },
    { template: "things/{id=first}", path: "/things", values: { id: "first" } },
    { template: "items/{id:int}", path: "/items/-12", values: { id: "-12" } },
    { template: "items/{id:int}", path: "/items/2147483648", values: undefined },
    { template: "items/{id:long}", path: "/items/2147483648", values: { id: "2147483648" } },
    { template: "items/{id:int?}", path: "/items", values: {} },
    { template: "items/{slug:alpha}", path: "/items/abc", values: { slug: "abc" } },
    { template: "items/{slug:alpha}", path: "/items/ab1", values: undefined },
    { template: "items/{slug:alpha:minlength(3)}", path: "/items/ab", values: undefined },
    { template: "items/{slug:length(2,3)}", path: "/items/abc", values: { slug: "abc" } },
    { template: "items/{n:range(1,10)}", path: "/items/11", values: undefined },
    { template: "items/{n:min(5)}", path: "/items/5", values: { n: "5" } },
    { template: "items/{n:max(5)}", path: "/items/6", values: undefined },
    { template: "items/{flag:bool}", path: "/items/TRUE", values: { flag: "TRUE" } },
    {
      template: "items/{id:guid}",
      path: "/items/0f8fad5b-d9cb-469f-a165-70867728950e",
      values: { id: "0f8fad5b-d9cb-469f-a165-70867728950e" },
    },
    { template: "items/{x:double}", path: "/items/1.5e3", values: { x: "1.5e3" } },
    { template: "items/{code:regex(^[a-z]{{2}}\\d$)}", path: "/items/ab1", values: { code: "ab1" } },
    { template: "items/{code:regex(^[a-z]{{2}}\\d$)}", path: "/items/abc", values: undefined },
    { template: "files/{name}.{ext}", path: "/files/report.final.pdf", values: { name: "report.final", ext: "pdf" } },
    { template: "files/{name}.{ext?}", path: "/files/report.", values: { name: "report" } },
    { template: "", path: "/", values: {} },
    { template: "/leading/slash/", path: "/leading/slash/", values: {} },
  ])("$template matches $path as $values", ({ template, path, values }) => {
    expect(match(template, path)).toEqual(values);
  });

  it.each(["a/{*rest}/b", "a/{x}{y}", "a/{x}/{X}", "a/{id:nosuch}", "a/{id:int(3)}", "a/{x?=1}", "a//b", "a/{open", "a/x}", "a/{*rest?}"])(
    "refuses the template %s",
    (template) => {
      expect(() => parseRouteTemplate(template)).toThrow();
    },
  );

  it("orders literal routes before parameters and catch-alls, as ASP.NET Core's inbound precedence does", () => {
    const templates = ["blobs/{*name}", "blobs/{id}", "blobs/{id:int}", "blobs", "blobs/latest"].map(parseRouteTemplate);
    expect([...templates].sort(compareRoutePrecedence).map((template) => template.template)).toEqual([
      "blobs",
      "blobs/latest",
      "blobs/{id:int}",
      "blobs/{id}",
      "blobs/{*name}",
    ]);
  });

  it("decodes path segments like Kestrel, keeping an encoded slash encoded and refusing invalid UTF-8", () => {
    expect(splitRequestPath("/api/a%20b/%C3%A9/x%2fy/")).toEqual(["api", "a b", "é", "x%2Fy"]);
    expect(splitRequestPath("/api/%E0%A4%A")).toBeUndefined();
    expect(splitRequestPath("/")).toEqual([]);
  });
});
