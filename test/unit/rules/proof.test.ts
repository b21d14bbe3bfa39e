import { describe, expect, it } from "vitest";
import { mayGiveProof } from "../../../src/rules/moves/proof.js";
import type { ProofDef } from "../../../src/policy/model.js";
import { issue, testPolicy } from "../../support/builders.js";

const def = { name: "approval", description: "", whileIn: "MktgOpsPrio::00: Ready for Review", byAuthor: false, byGroups: ["approvers"], upload: false, heading: null } as unknown as ProofDef;

describe("mayGiveProof", () => {
  it("counts a member of the group whatever the case GitLab spells the username in", () => {
    const policy = testPolicy({ people: { ...testPolicy().people, approvers: ["Alice.Approver"] } });
    expect(mayGiveProof(def, "alice.approver", issue(), policy)).toBe(true);
    expect(mayGiveProof(def, "bob", issue(), policy)).toBe(false);
  });
});
