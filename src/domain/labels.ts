/**
 * Label names and scoped label sets.
 *
 * GitLab's rule: a scoped label is `key::value`, and the scope (key) is everything before the
 * LAST `::` (so `a::b::c` has key `a::b`). Exclusivity within a scope is enforced by GitLab only
 * on Premium/Ultimate; the bot enforces it itself on every tier.
 */

export interface ParsedLabel {
  name: string;
  /** The scope key, or null for a plain label. */
  key: string | null;
  /** The value after the last `::`, or null for a plain label. */
  value: string | null;
}

export function parseLabel(name: string): ParsedLabel {
  const at = name.lastIndexOf("::");
  if (at <= 0) return { name, key: null, value: null };
  return { name, key: name.slice(0, at), value: name.slice(at + 2) };
}

export function scopeKeyOf(name: string): string | null {
  return parseLabel(name).key;
}

/**
 * A loose form used to recognise near-miss spellings: case-folded, with the whitespace around
 * `::`, `-` and `:` collapsed. `MktgOpsPriority::00-Urgent` and `mktgopspriority::00-urgent`
 * have the same loose form.
 */
export function looseLabelForm(name: string): string {
  return name
    .toLowerCase()
    .replace(/\s*::\s*/g, "::")
    .replace(/\s*-\s*/g, "-")
    .replace(/\s*:\s*(?!:)/g, ": ")
    .replace(/\s+/g, " ")
    .trim();
}

export interface LabelDefinition {
  name: string;
  description: string;
  /** `#rrggbb` */
  color: string;
  /** The scoped set this label belongs to, when it is scoped. */
  set: string | null;
}

export interface ScopedSet {
  /** The scope key, e.g. `MktgOps`. */
  key: string;
  description: string;
  /** Whether the order of values means something (stages, steps, priorities). */
  ordered: boolean;
  /** Full canonical label names in policy order. */
  labels: string[];
  /** False for a set whose values may coexist; exclusive (GitLab's scoped-label rule) otherwise. */
  exclusive?: boolean;
  /** True when GitLab label priorities should follow the order of `labels` (labels.yml `board_priority`). */
  boardPriority?: boolean;
}

/**
 * The team's label taxonomy, compiled from `policies/labels.yml`. The single answer to
 * "is this a label we know, and what is its canonical spelling?".
 */
export class Taxonomy {
  private readonly byName = new Map<string, LabelDefinition>();
  private readonly aliasToCanonical = new Map<string, string>();
  private readonly looseToCanonical = new Map<string, string>();
  private readonly sets = new Map<string, ScopedSet>();

  constructor(definitions: LabelDefinition[], sets: ScopedSet[], aliases: Record<string, string>) {
    for (const d of definitions) {
      this.byName.set(d.name, d);
      this.looseToCanonical.set(looseLabelForm(d.name), d.name);
    }
    for (const s of sets) this.sets.set(s.key, s);
    for (const [alias, canonical] of Object.entries(aliases)) {
      this.aliasToCanonical.set(alias, canonical);
    }
  }

  get definitions(): LabelDefinition[] {
    return [...this.byName.values()];
  }

  get scopedSets(): ScopedSet[] {
    return [...this.sets.values()];
  }

  get aliases(): ReadonlyMap<string, string> {
    return this.aliasToCanonical;
  }

  isDefined(name: string): boolean {
    return this.byName.has(name);
  }

  definition(name: string): LabelDefinition | undefined {
    return this.byName.get(name);
  }

  /** The canonical label an alias stands for (declared aliases only). */
  aliasTarget(name: string): string | undefined {
    return this.aliasToCanonical.get(name);
  }

  /**
   * The canonical spelling of a label: itself when defined, its declared alias target, or the
   * defined label with the same loose form (spacing/case slips). Undefined when unknown.
   */
  canonical(name: string): string | undefined {
    if (this.byName.has(name)) return name;
    const alias = this.aliasToCanonical.get(name);
    if (alias !== undefined) return alias;
    return this.looseToCanonical.get(looseLabelForm(name));
  }

  set(key: string): ScopedSet | undefined {
    return this.sets.get(key);
  }

  /** The set a label belongs to (by its canonical name). */
  setOf(name: string): ScopedSet | undefined {
    const key = scopeKeyOf(name);
    return key === null ? undefined : this.sets.get(key);
  }

  /** Position of a label in its ordered set (0-based), or undefined. */
  orderOf(name: string): number | undefined {
    const s = this.setOf(name);
    if (!s || !s.ordered) return undefined;
    const i = s.labels.indexOf(name);
    return i < 0 ? undefined : i;
  }

  /** The full label `key::value` when `value` is a value of set `key`. */
  labelFor(key: string, value: string): string | undefined {
    const full = `${key}::${value}`;
    return this.sets.get(key)?.labels.includes(full) ? full : undefined;
  }
}
