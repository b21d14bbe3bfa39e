/**
 * Intake: an issue in the MOps project whose title or description holds personal data (an email
 * address, a phone number, ...) is made confidential, with a note saying why — the handbook asks
 * for confidential issues whenever PII is present. The note's marker carries a fingerprint of what
 * was found: when a person makes the issue public again after the note, the bot respects it until
 * different personal data appears.
 */
import { markerKey } from "../domain/markers.js";
import type { ResourceSnapshot } from "../domain/snapshot.js";
import { renderTemplate, templateText } from "../domain/templates.js";
import { mention } from "../domain/text.js";
import { describeFindings, findPii, piiFingerprint, type PiiFinding } from "../intake/pii.js";
import type { CompiledPolicy } from "../policy/model.js";
import type { Rule, RuleFactory } from "./types.js";

const RULE_ID = "intake:pii";

function findingsOf(policy: CompiledPolicy, s: ResourceSnapshot): PiiFinding[] {
  const intake = policy.intake;
  if (!intake || s.kind !== "issue" || s.confidential) return [];
  if (!intake.projectRoles.some((r) => s.projectRoles.includes(r))) return [];
  return findPii(s.title, s.description, { allowedEmailDomains: intake.pii.allowedEmailDomains });
}

export const intakePii: RuleFactory = {
  kind: RULE_ID,
  create(policy) {
    const intake = policy.intake;
    if (!intake) return [];
    const rule: Rule = {
      id: RULE_ID,
      description: "An issue whose title or description holds personal data (email, phone, ...) is made confidential, with a note saying why.",
      appliesTo: ["issue"],
      needs: (s) => (s.userNotesCount !== 0 && findingsOf(policy, s).length > 0 ? { notes: true } : {}),
      evaluate(s) {
        const findings = findingsOf(policy, s);
        if (findings.length === 0) return [];
        const marker = markerKey(RULE_ID, piiFingerprint(findings));
        // A person made the issue public after the bot's note about this same data: their call.
        if ((s.notes ?? []).some((n) => n.botMarkers.includes(marker))) return [];
        if (s.notes === undefined && s.userNotesCount !== 0) return [];
        const fields = [...new Set(findings.map((f) => f.field))].join(" and ");
        const reason = `The ${fields} holds what looks like personal data (${describeFindings(findings).join(", ")}); the handbook asks for confidential issues when PII is present.`;
        return [
          { type: "set_confidential", confidential: true, rule: RULE_ID, reason },
          {
            type: "comment",
            rule: RULE_ID,
            reason,
            marker,
            body: renderTemplate(templateText(policy.templates, intake.pii.template), {
              recipient: { trusted: mention(s.author.username) },
              reason: { trusted: fields },
              findings: { trusted: describeFindings(findings).map((f) => `- ${f}`).join("\n") },
              bot: { trusted: policy.scope.botUsername },
            }),
          },
        ];
      },
    };
    return [rule];
  },
};
