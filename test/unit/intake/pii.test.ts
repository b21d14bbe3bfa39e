import { describe, expect, it } from "vitest";
import { describeFindings, findPii, piiFingerprint } from "../../../src/intake/pii.js";

const kinds = (description: string, title = "") => findPii(title, description).map((f) => f.kind);

describe("personal data detection: fires on", () => {
  it.each([
    ["an email address", "Please add jane.doe@acme.io to the list", "email address"],
    ["an email in a code block (privacy first)", "```\nimport: jane.doe@acme.io\n```", "email address"],
    ["an email with plus and subdomain", "send to j.doe+mkto@mail.acme.co.uk", "email address"],
    ["an international phone number", "Call her on +44 20 7946 0958", "phone number"],
    ["a US number with an area code in parentheses", "cell (415) 555-0134", "phone number"],
    ["a US number with dashes", "call 415-555-0134 tomorrow", "phone number"],
    ["a US number with dots", "415.555.0134", "phone number"],
    ["a social security number", "SSN 123-45-6789", "social security number"],
    ["a payment card number (Luhn)", "card 4111 1111 1111 1111", "payment card number"],
  ])("%s", (_what, text, kind) => {
    expect(kinds(text)).toContain(kind);
  });

  it("looks at the title too", () => {
    expect(findPii("Lead for jane.doe@acme.io", "")).toEqual([{ kind: "email address", field: "title", value: "jane.doe@acme.io" }]);
  });
});

describe("personal data detection: does not fire on", () => {
  it.each([
    ["GitLab usernames", "Assigning @amy.owner and @mops-bot, cc @jane_doe"],
    ["example.com addresses in a code block", "```yaml\nfrom: someone@example.com\nreply_to: ops@example.org\n```"],
    ["other reserved example domains", "`test@mail.example` and `a@b.test`"],
    ["ISO dates and times", "Due 2026-11-18, launched 2026-11-18T15:00:00Z, range 2026-11-01 - 2026-11-30"],
    ["version numbers, references and amounts", "Marketo 2.10.3, see #1234 and !56, budget $50,000 for 120 days"],
    ["times of day and long ids", "10:30-11:45 EST, order 2026111812345, SFDC 00Q5e00000AbCdE"],
    ["a repository address", "clone git@gitlab.com:gitlab-com/marketing.git"],
    ["a number that fails the card checksum", "ticket 4111 1111 1111 1112"],
  ])("%s", (_what, text) => {
    expect(kinds(text)).toEqual([]);
  });

  it("domains the policy allows", () => {
    expect(findPii("", "mail marketing-ops@gitlab.com", { allowedEmailDomains: ["gitlab.com"] })).toEqual([]);
    expect(kinds("mail marketing-ops@gitlab.com")).toEqual(["email address"]);
  });
});

describe("fingerprints and descriptions", () => {
  it("the same data gives the same fingerprint in any order; new data a new one", () => {
    const a = findPii("", "jane@acme.io and +44 20 7946 0958");
    const b = findPii("", "+44 20 7946 0958 then jane@acme.io");
    expect(piiFingerprint(a)).toBe(piiFingerprint(b));
    expect(piiFingerprint(findPii("", "jane@acme.io, bob@acme.io"))).not.toBe(piiFingerprint(a));
  });

  it("describes findings without repeating them", () => {
    const text = describeFindings(findPii("bob@acme.io", "jane@acme.io and amy@acme.io, +44 20 7946 0958")).join("; ");
    expect(text).toBe("an email address in the title; 2 × email address in the description; a phone number in the description");
    expect(text).not.toContain("acme");
  });
});
