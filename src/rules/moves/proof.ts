/**
 * Proofs a step can require (workflow `proofs:`), e.g. the business owner's UAT sign-off: a comment
 * by an allowed person, posted while the issue was in a given step, with an uploaded file or under
 * a matching heading; or a section of the description under a matching heading when the issue's
 * author may give the proof (GitLab keeps no history of who wrote which part of a description,
 * nor when, so a description section counts whenever it is there).
 */
import type { NoteInfo, ResourceSnapshot } from "../../domain/snapshot.js";
import type { CompiledPolicy, ProofDef, TextPattern } from "../../policy/model.js";
import { labelRef } from "../labelRefs.js";
import { inGroup } from "../types.js";
import { type StepHistory, spansIn } from "./history.js";
import { policyRegex, type PolicyRegex } from "../../policy/regex.js";

/** GitLab writes uploads as `[name](/uploads/<hash>/<file>)` (project-relative) in markdown. */
const UPLOAD_RE = /\]\((?:[^)\s]*)?\/uploads\/[0-9a-f]{16,}\/[^)\s]+\)/i;

function regex(p: TextPattern): PolicyRegex {
  return policyRegex(p.pattern, p.flags);
}

/** Headings (`## Testing plan`, or a line in bold `**Testing plan**`) followed by some text. */
function hasSectionUnder(text: string, heading: TextPattern): boolean {
  const re = regex(heading);
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s{0,3}(?:#{1,6}\s+(.+?)\s*#*\s*$|\*\*(.+?)\*\*:?\s*$)/.exec(lines[i]!);
    const title = m?.[1] ?? m?.[2];
    if (title === undefined || !re.test(title.trim())) continue;
    for (let j = i + 1; j < lines.length; j++) {
      const line = lines[j]!;
      if (/^\s{0,3}#{1,6}\s/.test(line)) break;
      if (line.trim() !== "") return true;
    }
  }
  return false;
}

function counts(def: ProofDef, text: string): boolean {
  return (def.upload && UPLOAD_RE.test(text)) || (def.heading !== null && hasSectionUnder(text, def.heading));
}

export function mayGiveProof(def: ProofDef, username: string, s: ResourceSnapshot, policy: CompiledPolicy): boolean {
  if (def.byAuthor && s.author.username === username) return true;
  return def.byGroups.some((g) => inGroup(policy, g, username));
}

export function whoGivesProof(def: ProofDef): string {
  const who = [...(def.byAuthor ? ["the issue's author"] : []), ...def.byGroups.map((g) => `a member of "${g}"`)];
  return who.join(" or ");
}

export interface ProofCheck {
  given: boolean;
  /** The comment that counts, when one does. */
  note?: NoteInfo;
  /** What is wrong, for a person, when not given. */
  problem: string | null;
}

/**
 * Whether the proof was given before `until`. `history` is the resource's step history and
 * `notes` its comments; without them (not fetched) the proof cannot be found.
 */
export function checkProof(
  def: ProofDef,
  s: ResourceSnapshot,
  policy: CompiledPolicy,
  history: StepHistory | undefined,
  botUsername: string,
  until: Date,
): ProofCheck {
  const spans = history ? spansIn(history, def.whileIn) : [];
  const during = (at: Date) => at <= until && spans.some((sp) => at >= sp.from && (sp.until === null || at <= sp.until));
  const note = (s.notes ?? []).find(
    (n) => !n.system && n.author.username !== botUsername && during(n.createdAt) && mayGiveProof(def, n.author.username, s, policy) && counts(def, n.body),
  );
  if (note) return { given: true, note, problem: null };
  if (def.byAuthor && def.heading !== null && hasSectionUnder(s.description, def.heading)) return { given: true, problem: null };
  const what = [def.upload ? "a comment with an uploaded screenshot or file" : null, def.heading ? `a comment or description section headed /${def.heading.pattern}/` : null]
    .filter((x) => x !== null)
    .join(", or ");
  return { given: false, problem: `no proof yet from ${whoGivesProof(def)} posted while in ${labelRef(def.whileIn)} (${what})` };
}
