import { describe, expect, it } from "vitest";
import { parseJobListQuery, type ListableJob } from "../../local/quantum/jobListQuery.js";
import { QuantumServiceError } from "../../local/quantum/quantumServiceError.js";

const job = (name: string, overrides: Partial<ListableJob> = {}): ListableJob => ({
  id: `00000000-0000-4000-8000-${String(name.length).padStart(12, "0")}`,
  name,
  itemType: "Job",
  jobType: "QuantumComputing",
  providerId: "ionq",
  target: "ionq.simulator",
  status: "Waiting",
  creationTime: "2026-11-23T12:00:00.000Z",
  ...overrides,
});
const jobs = [
  job("bell", { status: "Succeeded", creationTime: "2026-11-20T00:00:00.000Z" }),
  job("ghz-3", { target: "ionq.qpu.aria-1", creationTime: "2026-11-22T00:00:00.000Z" }),
  job("it's quoted", { status: "Failed", creationTime: "2026-11-24T00:00:00.000Z" }),
];

function names(query: string): string[] {
  const parsed = parseJobListQuery(new URLSearchParams(query));
  return jobs
    .filter(parsed.matches)
    .sort(parsed.compare)
    .map((candidate) => candidate.name);
}

describe("Jobs_List filter, orderby, top and skip", () => {
  it.each([
    ["", ["it's quoted", "ghz-3", "bell"]],
    ["filter=Target eq 'ionq.simulator'", ["it's quoted", "bell"]],
    ["filter=startswith(Name, 'b')", ["bell"]],
    ["filter=State eq 'Succeeded' or State eq 'Failed'", ["it's quoted", "bell"]],
    ["filter=(ProviderId eq 'IONQ') and not (State eq 'Waiting')", ["it's quoted", "bell"]],
    ["filter=Name eq 'it''s quoted'", ["it's quoted"]],
    ["filter=CreationTime ge 2026-11-21 and CreationTime lt 2026-11-23T00:00:00Z", ["ghz-3"]],
    ["filter=ItemType eq 'Job' and JobType eq 'QuantumComputing'", ["it's quoted", "ghz-3", "bell"]],
    ["orderby=Name asc", ["bell", "ghz-3", "it's quoted"]],
    ["orderby=CreationTime asc", ["bell", "ghz-3", "it's quoted"]],
    ["orderby=Target desc, Name asc", ["bell", "it's quoted", "ghz-3"]],
  ])("%s → %j", (query, expected) => {
    expect(names(query)).toEqual(expected);
  });

  it("defaults to a page of 100 from the start", () => {
    expect(parseJobListQuery(new URLSearchParams())).toMatchObject({ top: 100, skip: 0 });
    expect(parseJobListQuery(new URLSearchParams("top=5&skip=10"))).toMatchObject({ top: 5, skip: 10 });
  });

  it.each([
    ["top=0", /'top'.*from 1 to 1000/],
    ["skip=2147483648", /'skip'.*from 0 to 2147483647/],
    ["filter=Name eq", /expected a value but found the end of the filter/],
    ["filter=Name eq 'x' or", /expected a field/],
    ["filter=Name like 'x'", /expected eq, ne, gt, ge, lt or le but found 'like'/],
    ["filter=Name eq 'x' $ 1", /unexpected character '\$' at position 13/],
    ["filter=CreationTime ge yesterday", /expected a date or date-time for CreationTime/],
    ["filter=Target eq ionq", /expected a quoted string for target/],
    ["orderby=Name asc extra", /'orderby'/],
  ])("refuses %s", (query, message) => {
    let caught: unknown;
    try {
      parseJobListQuery(new URLSearchParams(query));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(QuantumServiceError);
    expect(caught).toMatchObject({ status: 400, code: "InvalidQueryParameter" });
    expect((caught as Error).message).toMatch(message);
  });
});
