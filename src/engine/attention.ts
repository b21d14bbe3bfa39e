/**
 * The attention budget (rollout.yml `attention`): scheduled work may mention one person at most
 * `mentions_per_person_per_day` times a day across the board. A note that would mention someone
 * past their budget is held back (it is proposed again by the next run, and goes out on a day with
 * budget left); the item goes into that person's daily list instead: one note a day in one issue
 * (per person or for the team), which names people without an @ so it notifies nobody.
 *
 * The count survives restarts and several runs a day because it is kept in GitLab, as the bot's
 * other memory is: hidden markers `mentioned:<day>:<username>:<count>` in the description of the
 * team's daily list issue. A run reads them first and writes them back at its end (only today's).
 * Replies on the webhook path are not scheduled work: their context has no budget.
 */
import type { Action, ActionOf } from "../domain/actions.js";
import { descriptionMarkersIn, markerComment, markerKey } from "../domain/markers.js";
import { formatRef, type ResourceRef, type ResourceSnapshot } from "../domain/snapshot.js";
import { disclosedTitle } from "../domain/disclosure.js";
import { mentionedIn, neutraliseInline } from "../domain/text.js";
import { compareNumerically } from "../domain/order.js";

/** One held-back note, as its person's daily list shows it. */
export interface HeldItem {
  ref: string;
  url: string;
  title: string;
  projectPath: string;
  confidential: boolean;
  reason: string;
}

export const LEDGER_MARKER = "daily-list:team";

export function personListMarker(username: string): string {
  return markerKey("daily-list", "person", username);
}

/** Counts of mentions made today, as the ledger markers in `description` record them. */
export function spentToday(description: string, today: string): Map<string, number> {
  const spent = new Map<string, number>();
  for (const m of descriptionMarkersIn(description)) {
    const match = /^mentioned:(\d{4}-\d{2}-\d{2}):([^:]+):(\d+)$/.exec(m);
    if (match && match[1] === today) spent.set(match[2]!, Number(match[3]));
  }
  return spent;
}

/**
 * How much a note matters when one person's budget cannot take all the notes owed to them: lower
 * goes first. The handbook's priority SLAs come first, a missed goal before one at risk (the
 * breach is what a MOps lead is asked about); then the other SLA notes (a due date set or put
 * back); then what a stage requires by the handbook; then everything else; reminders last, being
 * what the team would like but the handbook does not ask for. The one place this order is kept.
 */
export function noteImportance(note: { rule: string; marker: string }): number {
  const sla = note.rule === "sla" || note.rule.startsWith("sla:");
  // SLA markers are `sla:<sla id>:<breach|warning|due-date>:<episode start>` (rules/sla/notes.ts).
  if (sla && note.marker.split(":")[2] === "breach") return 0;
  if (sla) return 1;
  // Workflow notes are `workflow:<id>` with a marker ending `:reminder` for a step's reminder (rules/workflow.ts).
  const reminder = note.marker.endsWith(":reminder");
  if (note.rule.startsWith("workflow:") && !reminder) return 2;
  return reminder ? 4 : 3;
}

/** A note the budget decides on: one not said yet on the resource that mentions someone besides the bot. */
export interface MentioningNote {
  note: ActionOf<"comment">;
  people: string[];
}

/** `ref marker`: a note of one resource, as a grant names it. */
const noteKey = (ref: ResourceRef, marker: string) => `${formatRef(ref)} ${marker}`;

export class AttentionBudget {
  private readonly spent: Map<string, number>;
  private readonly held = new Map<string, HeldItem[]>();
  /** Notes given budget ahead of their reconcile (grant), by noteKey: admitted without counting again. */
  private readonly granted = new Set<string>();
  private readonly bot: string;

  constructor(
    readonly limit: number,
    readonly today: string,
    spent: Map<string, number>,
    botUsername: string,
  ) {
    this.spent = new Map(spent);
    this.bot = botUsername.toLowerCase();
  }

  /** Whether `username` may be mentioned once more today; when so, the mention is counted. */
  take(username: string): boolean {
    const who = username.toLowerCase();
    const n = this.spent.get(who) ?? 0;
    if (n >= this.limit) return false;
    this.spent.set(who, n + 1);
    return true;
  }

  /**
   * The actions with notes that would mention someone past their budget held back; those go into
   * the daily list of each person they mention. A note goes out only when everyone it mentions has
   * budget left (a note cannot mention half its people), and then counts for each of them.
   */
  admit(snapshot: ResourceSnapshot, actions: Action[]): Action[] {
    const deciding = new Map(this.mentioningNotes(snapshot, actions).map((m) => [m.note as Action, m.people]));
    return actions.filter((a) => {
      const people = deciding.get(a);
      if (people === undefined || a.type !== "comment" || this.granted.has(noteKey(snapshot.ref, a.marker))) return true;
      if (this.grantable(people)) {
        people.forEach((p) => this.take(p));
        return true;
      }
      for (const p of people) this.hold(p, snapshot, a.reason);
      return false;
    });
  }

  /** The notes of `actions` that `admit` would count or hold. */
  mentioningNotes(snapshot: ResourceSnapshot, actions: Action[]): MentioningNote[] {
    // A message already said (its marker is on a note) is left out of the plan anyway: no mention.
    const said = new Set((snapshot.notes ?? []).flatMap((n) => n.botMarkers));
    return actions.flatMap((a) => {
      if (a.type !== "comment" || said.has(a.marker)) return [];
      const people = mentionedIn(a.body).filter((p) => p !== this.bot);
      return people.length > 0 ? [{ note: a, people }] : [];
    });
  }

  /**
   * Gives one note its mentions ahead of the reconcile that will post it (when everyone it
   * mentions has budget left): `admit` then lets it through without counting it again.
   */
  grant(ref: ResourceRef, marker: string, people: string[]): boolean {
    if (!this.grantable(people)) return false;
    people.forEach((p) => this.take(p));
    this.granted.add(noteKey(ref, marker));
    return true;
  }

  /** A note goes out only when everyone it mentions has budget left (it cannot mention half its people). */
  grantable(people: string[]): boolean {
    return people.every((p) => (this.spent.get(p.toLowerCase()) ?? 0) < this.limit);
  }

  private hold(username: string, s: ResourceSnapshot, reason: string): void {
    const list = this.held.get(username) ?? [];
    // `!` for a merge request: GitLab links `path#iid` to the issue with that number.
    const ref = formatRef(s.ref);
    if (!list.some((i) => i.ref === ref && i.reason === reason)) list.push({ ref, url: s.webUrl, title: s.title, projectPath: s.projectPath, confidential: s.confidential, reason });
    this.held.set(username, list);
  }

  /** Items held back this run, by person. */
  heldItems(): ReadonlyMap<string, HeldItem[]> {
    return this.held;
  }

  /** Mentions counted today (read from the ledger and made by this run). */
  spentMap(): ReadonlyMap<string, number> {
    return this.spent;
  }

  /** The team daily list issue's description with today's ledger. */
  ledgerDescription(): string {
    const marks = [...this.spent.entries()].sort((a, b) => a[0].localeCompare(b[0])).map(([who, n]) => markerComment(markerKey("mentioned", this.today, who, String(n))));
    return [
      "The bot mentions each person at most a few times a day for scheduled work (policies/rollout.yml, `attention`). What it would have mentioned them about beyond that is listed here, or in their own daily list issue, one note a day, without notifying anyone.",
      "",
      markerComment(LEDGER_MARKER),
      ...marks,
    ].join("\n");
  }
}

/** `- [ ] ref [title](url) — reason`: one item line of a daily list note, keyed by its ref and reason. */
const ITEM_LINE = /^- \[[ xX]\] (\S+) .* — (.*)$/;

/**
 * One person's daily list note: their held items, named without an @. `earlier` is the body of
 * today's note when another run (the sweep, the SLA job, the milestones job) already wrote one:
 * its items stay, so one job never wipes what another held back the same day.
 */
export function dailyListNote(username: string, today: string, items: HeldItem[], listProject: string, earlier = ""): string {
  const fresh = [...items].map((i) => {
    const title = neutraliseInline(disclosedTitle(i, { confidential: false, projectPath: listProject })).replace(/[[\]]/g, (c) => `\\${c}`);
    return { key: `${i.ref} ${neutraliseInline(i.reason)}`, line: `- [ ] ${i.ref} [${title}](${i.url}) — ${neutraliseInline(i.reason)}` };
  });
  const keys = new Set(fresh.map((f) => f.key));
  const kept = earlier
    .split("\n")
    .map((line) => ({ line, match: ITEM_LINE.exec(line) }))
    .filter(({ match }) => match !== null && !keys.has(`${match[1]} ${match[2]}`))
    .map(({ line, match }) => ({ key: `${match![1]} ${match![2]}`, line }));
  const lines = [...kept, ...fresh]
    .sort((a, b) => compareNumerically(a.key, b.key))
    .map((l) => l.line);
  return [`**${today}: waiting for \`${neutraliseInline(username)}\`** (${lines.length}): the bot has already mentioned them today, so these wait here.`, "", ...lines].join("\n");
}
