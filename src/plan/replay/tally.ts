/**
 * Counting what the replayed bot did, per local day of the team's calendar: notes, mentions per
 * person, label changes per rule, Slack posts. Pure.
 */
import { mentionedIn } from "../../domain/text.js";
import type { ResourcePlan } from "../../domain/plan.js";

export interface ReplayDay {
  /** Local date in the calendar's time zone, `YYYY-MM-DD`. */
  date: string;
  /** Whether the nightly sweep ran that day (a working day). */
  sweep: boolean;
  notes: number;
  mentions: number;
  labelChanges: number;
  slackPosts: number;
  /** Closing, reopening, milestone, assignee, due date or confidentiality changes. */
  otherChanges: number;
}

export interface ReplayTally {
  days: ReplayDay[];
  /** username -> date -> mentions that day. */
  mentionsByPerson: Record<string, Record<string, number>>;
  /** Labels added or removed, per rule. */
  labelChangesByRule: Record<string, number>;
  /** Messages in notes, per rule (several rules' messages share one note). */
  messagesByRule: Record<string, number>;
  totals: { notes: number; mentions: number; labelChanges: number; slackPosts: number; otherChanges: number };
  /** The day with the most notes (the earliest of equals), or null when the bot wrote none. */
  busiestDay: { date: string; notes: number } | null;
  /** The person mentioned most (alphabetical among equals), with their worst day. */
  mostMentioned: { username: string; mentions: number; maxOnOneDay: number } | null;
}

/** Who a note pings, as GitLab notifies them (not inside code); the bot's hidden markers are no mentions. */
export function mentionedUsernames(body: string): string[] {
  return mentionedIn(body.replace(/<!--[\s\S]*?-->/g, " "));
}

const SLACK = new Set(["notify_slack", "post_slack"]);

const emptyDay = (date: string, sweep: boolean): ReplayDay => ({ date, sweep, notes: 0, mentions: 0, labelChanges: 0, slackPosts: 0, otherChanges: 0 });
const LABELS = new Set(["add_labels", "remove_labels"]);

export class ReplayCounter {
  private readonly days = new Map<string, ReplayDay>();
  private readonly mentions: Record<string, Record<string, number>> = {};
  private readonly labelsByRule: Record<string, number> = {};
  private readonly messages: Record<string, number> = {};

  constructor(dates: readonly { date: string; sweep: boolean }[]) {
    for (const d of dates) this.days.set(d.date, emptyDay(d.date, d.sweep));
  }

  private day(date: string): ReplayDay {
    let d = this.days.get(date);
    if (!d) {
      d = emptyDay(date, false);
      this.days.set(date, d);
    }
    return d;
  }

  /** One plan the bot would have carried out on `date`. */
  record(date: string, plan: ResourcePlan): void {
    const day = this.day(date);
    if (plan.note !== null) {
      day.notes++;
      for (const username of mentionedUsernames(plan.note.body)) {
        day.mentions++;
        const person = (this.mentions[username] ??= {});
        person[date] = (person[date] ?? 0) + 1;
      }
    }
    for (const a of plan.actions) {
      if (LABELS.has(a.type)) {
        const n = "labels" in a ? a.labels.length : 0;
        day.labelChanges += n;
        this.labelsByRule[a.rule] = (this.labelsByRule[a.rule] ?? 0) + n;
      } else if (SLACK.has(a.type)) day.slackPosts++;
      else if (a.type === "comment") this.messages[a.rule] = (this.messages[a.rule] ?? 0) + 1;
      else day.otherChanges++;
    }
  }

  result(): ReplayTally {
    const days = [...this.days.values()].sort((a, b) => a.date.localeCompare(b.date));
    const sum = (k: keyof Omit<ReplayDay, "date" | "sweep">) => days.reduce((n, d) => n + d[k], 0);
    const busiest = days.reduce<ReplayDay | null>((best, d) => (d.notes > (best?.notes ?? 0) ? d : best), null);
    const people = Object.entries(this.mentions).map(([username, byDay]) => ({
      username,
      mentions: Object.values(byDay).reduce((a, b) => a + b, 0),
      maxOnOneDay: Math.max(...Object.values(byDay)),
    }));
    people.sort((a, b) => b.mentions - a.mentions || a.username.localeCompare(b.username));
    return {
      days,
      mentionsByPerson: this.mentions,
      labelChangesByRule: this.labelsByRule,
      messagesByRule: this.messages,
      totals: { notes: sum("notes"), mentions: sum("mentions"), labelChanges: sum("labelChanges"), slackPosts: sum("slackPosts"), otherChanges: sum("otherChanges") },
      busiestDay: busiest ? { date: busiest.date, notes: busiest.notes } : null,
      mostMentioned: people[0] ?? null,
    };
  }
}
