import { describe, expect, it } from "vitest";
import { FilterSyntaxError, parseConnectionFilter, type FilterSubject } from "../../local/webpubsub/connectionFilter.js";

const alice: FilterSubject = { connectionId: "conn-a", userId: "alice", groups: new Set(["grp", "room 1"]) };
const bob: FilterSubject = { connectionId: "conn-b", userId: "bob", groups: new Set(["other"]) };
const anonymous: FilterSubject = { connectionId: "conn-c", userId: undefined, groups: new Set() };
const quoted: FilterSubject = { connectionId: "conn-d", userId: "user'1", groups: new Set(["grp"]) };
const subjects = { alice, bob, anonymous, quoted };

describe("Web PubSub OData filter", () => {
  it.each([
    ["userId eq 'alice'", ["alice"]],
    ["userId ne 'alice'", ["bob", "anonymous", "quoted"]],
    ["connectionId eq 'conn-b'", ["bob"]],
    ["'grp' in groups", ["alice", "quoted"]],
    ["'room 1' in groups", ["alice"]],
    ["not ('grp' in groups)", ["bob", "anonymous"]],
    ["userId in ('alice', 'bob')", ["alice", "bob"]],
    ["userId eq 'alice' or userId eq 'bob'", ["alice", "bob"]],
    ["userId eq 'alice' and 'grp' in groups", ["alice"]],
    ["userId eq 'bob' and 'grp' in groups", []],
    ["startswith(userId, 'al')", ["alice"]],
    ["not startswith(userId, 'al')", ["bob", "anonymous", "quoted"]],
    ["endswith(userId, 'ob')", ["bob"]],
    ["contains(connectionId, 'conn')", ["alice", "bob", "anonymous", "quoted"]],
    ["userId eq null", ["anonymous"]],
    ["userId ne null", ["alice", "bob", "quoted"]],
    ["userId eq 'user''1'", ["quoted"]],
    ["tolower(userId) eq 'ALICE' or toupper(userId) eq 'ALICE'", ["alice"]],
    ["length(groups) gt 1", ["alice"]],
    ["length(userId) le 3", ["bob"]],
    ["indexof(userId, 'li') ge 0", ["alice"]],
    ["substring(userId, 1, 2) eq 'li'", ["alice"]],
    ["true", ["alice", "bob", "anonymous", "quoted"]],
    ["false or (userId eq 'bob')", ["bob"]],
    // and binds tighter than or
    ["userId eq 'bob' or userId eq 'alice' and 'other' in groups", ["bob"]],
    ["UserId eq 'alice' and 'grp' in Groups", ["alice"]],
  ])("%s selects %j", (filter, expected) => {
    const matches = parseConnectionFilter(filter);
    const selected = Object.entries(subjects)
      .filter(([, subject]) => matches(subject))
      .map(([name]) => name);
    expect(selected).toEqual(expected);
  });

  it.each(
    (
      [
        ["", "empty"],
        ["userId eq", "Unexpected the end"],
        ["userId eq 'alice", "Unterminated"],
        ["userId = 'alice'", "Unexpected character"],
        ["userId", "expected 'bool'"],
        ["userId eq 1", "Cannot compare"],
        ["not length(userId) gt 5", "Invalid operand of 'not'"],
        ["not 'grp' in groups", "Invalid operand of 'not'"],
        ["name eq 'x'", "Unknown identifier"],
        ["frobnicate(userId)", "Unknown function"],
        ["startswith(userId)", "Invalid arguments"],
        ["userId eq 'a' and", "Unexpected the end"],
        ["(userId eq 'a'", "Expected ')'"],
        ["userId eq 'a')", "Unexpected ')'"],
        ["1 in groups", "Invalid left operand of 'in'"],
        ["userId in (1, 2)", "Invalid item"],
        ["groups eq 'a'", "Cannot compare"],
        ["userId eq 'a' xor userId eq 'b'", "Unexpected 'xor'"],
        ["99999999999999999999 eq 1", "out of range"],
        ["(".repeat(100) + "true" + ")".repeat(100), "nested"],
        [Array.from({ length: 300 }, (_, i) => `userId eq 'u${i}'`).join(" or "), "clauses"],
        ["x".repeat(9000), "longer than"],
      ] as const
    ).map(
      ([filter, message]) =>
        [filter.length > 60 ? `${filter.slice(0, 40)}… (${filter.length} characters)` : filter, filter, message] as const,
    ),
  )("rejects %j with an error naming the problem", (_title, filter, message) => {
    expect(() => parseConnectionFilter(filter)).toThrow(FilterSyntaxError);
    expect(() => parseConnectionFilter(filter)).toThrow(message);
  });
});
