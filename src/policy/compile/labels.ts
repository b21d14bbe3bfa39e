/** labels.yml -> Taxonomy, with the checks that need the whole file (duplicates, aliases). */
import { Taxonomy } from "../../domain/labels.js";
import type { LabelDefinition, ScopedSet } from "../../domain/labels.js";
import type { LabelsFile } from "../schemas/labels.js";
import type { PolicySource, ProblemSink } from "../source.js";
import { locate } from "../source.js";
import { didYouMean } from "../suggest.js";

export interface CompiledLabels {
  taxonomy: Taxonomy;
  /** Per set key: labels of the scope that are not among its ordered values (not steps). */
  outsideOrder: Map<string, string[]>;
}

export function compileLabels(source: PolicySource, data: LabelsFile, sink: ProblemSink): CompiledLabels {
  const definitions: LabelDefinition[] = [];
  const sets: ScopedSet[] = [];
  const outsideOrder = new Map<string, string[]>();
  const definedAt = new Map<string, number>();
  const setAt = new Map<string, number>();

  const define = (def: LabelDefinition, path: (string | number)[]): void => {
    const line = definedAt.get(def.name);
    if (line !== undefined) {
      sink.at(source, path, `duplicate label '${def.name}': already defined on line ${line}; define each label once`);
      return;
    }
    definedAt.set(def.name, locate(source, path).line);
    definitions.push(def);
  };

  data.sets.forEach((set, si) => {
    const firstLine = setAt.get(set.key);
    if (firstLine !== undefined) {
      sink.at(source, ["sets", si, "key"], `duplicate set '${set.key}': already defined on line ${firstLine}; put all its values in one set`);
      return;
    }
    setAt.set(set.key, locate(source, ["sets", si, "key"]).line);
    const ordered: string[] = [];
    const outside: string[] = [];
    set.values.forEach((v, vi) => {
      const name = `${set.key}::${v.value}`;
      define({ name, description: v.description, color: (v.color ?? set.color).toLowerCase(), set: set.key }, ["sets", si, "values", vi, "value"]);
      (v.in_order === false ? outside : ordered).push(name);
    });
    sets.push({ key: set.key, description: set.description, ordered: set.ordered, labels: ordered, ...(set.board_priority === true ? { boardPriority: true } : {}) });
    if (outside.length > 0) outsideOrder.set(set.key, outside);
  });

  data.labels.forEach((group, gi) => {
    group.labels.forEach((l, li) => {
      define({ name: l.name, description: l.description, color: (l.color ?? group.color).toLowerCase(), set: null }, ["labels", gi, "labels", li, "name"]);
    });
  });

  const aliases: Record<string, string> = {};
  for (const [alias, target] of Object.entries(data.aliases ?? {})) {
    if (definedAt.has(alias)) {
      sink.at(source, ["aliases", alias], `alias '${alias}' is itself a defined label: remove the alias or the label`, "key");
      continue;
    }
    if (!definedAt.has(target)) {
      const viaAlias = data.aliases?.[target];
      const hint = viaAlias !== undefined ? ` — it is an alias itself; point to '${viaAlias}'` : didYouMean(target, definedAt.keys());
      sink.at(source, ["aliases", alias], `alias '${alias}' points to '${target}', which is not a label defined in this file${hint}`);
      continue;
    }
    aliases[alias] = target;
  }

  return { taxonomy: new Taxonomy(definitions, sets, aliases), outsideOrder };
}
