// Which rule asked for which history read: a platform wrapper for the benchmarks that counts, for
// every label-event, note and state-event read, the rules whose needs() ask for that history on
// the snapshot being read. A read no rule asks for on that snapshot is the engine's own (the bot's
// earlier notes read before a note is proposed, or history a projected state asks for).
import type { ResourceSnapshot } from "../../src/domain/snapshot.js";
import type { HistoryKind } from "../../src/engine/reconcile.js";
import type { Platform } from "../../src/engine/platform.js";
import type { Rule, RuleContext } from "../../src/rules/types.js";

/** Reads by rule and kind: `asked` counts every read the rule asked for, `alone` those only it asked for. */
export type Attribution = Map<string, Record<HistoryKind, { asked: number; alone: number }>>;

const ENGINE_READ = "(engine: marker check before a note, or a projected state)";

const READS: [HistoryKind, "labelEvents" | "notes" | "stateEvents"][] = [
  ["labelEvents", "labelEvents"],
  ["notes", "notes"],
  ["stateEvents", "stateEvents"],
];

export function attributeHistory<P extends Platform>(platform: P, rules: Rule[], ctx: () => RuleContext): { platform: P; attribution: Attribution } {
  const attribution: Attribution = new Map();
  const count = (rule: string, kind: HistoryKind, alone: boolean) => {
    const row = attribution.get(rule) ?? { labelEvents: { asked: 0, alone: 0 }, notes: { asked: 0, alone: 0 }, stateEvents: { asked: 0, alone: 0 } };
    row[kind].asked++;
    if (alone) row[kind].alone++;
    attribution.set(rule, row);
  };
  const record = (kind: HistoryKind, s: ResourceSnapshot) => {
    const c = ctx();
    const askers = rules.filter((r) => r.appliesTo.includes(s.kind) && r.needs(s, c)[kind] === true).map((r) => r.id);
    if (askers.length === 0) count(ENGINE_READ, kind, true);
    for (const id of askers) count(id, kind, askers.length === 1);
  };
  const wrapped = new Proxy(platform, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      const read = READS.find(([, method]) => method === prop);
      if (read === undefined || typeof value !== "function") return typeof value === "function" ? value.bind(target) : value;
      return (s: ResourceSnapshot) => {
        record(read[0], s);
        return (value as (s: ResourceSnapshot) => Promise<unknown>).call(target, s);
      };
    },
  });
  return { platform: wrapped, attribution };
}

/** The attribution as table rows, most reads first. */
export function attributionRows(attribution: Attribution): string[] {
  const total = (r: Record<HistoryKind, { asked: number }>) => r.labelEvents.asked + r.notes.asked + r.stateEvents.asked;
  const rows = [...attribution.entries()].sort(([, a], [, b]) => total(b) - total(a));
  const cell = (c: { asked: number; alone: number }) => `${c.asked} (${c.alone})`.padStart(13);
  return [
    `${"rule".padEnd(34)}  label events   notes          state events   (in brackets: reads only this rule asked for)`,
    ...rows.map(([rule, r]) => `${rule.padEnd(34)}  ${cell(r.labelEvents)}  ${cell(r.notes)}  ${cell(r.stateEvents)}`),
  ];
}
