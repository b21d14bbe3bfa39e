/** hygiene.yml -> HygieneDef (label references are checked in crossref). */
import type { HygieneDef } from "../model/hygiene.js";
import type { HygieneFile } from "../schemas/hygiene.js";

export function compileHygiene(data: HygieneFile): HygieneDef {
  return {
    repairAliases: data.repair_aliases,
    explainRepairs: data.explain_repairs ?? false,
    conflicts: (data.conflicts ?? []).map((c) => ({ whenPresent: c.when_present, remove: c.remove, reason: c.reason })),
  };
}
