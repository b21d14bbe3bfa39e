/** The compiled form of policies/hygiene.yml: alias repairs and labels that must not appear together. */

export interface LabelConflictDef {
  /** When this label is present ... */
  whenPresent: string;
  /** ... these labels are removed. */
  remove: string[];
  reason: string;
}

export interface HygieneDef {
  /** Replace declared aliases with their canonical label. */
  repairAliases: boolean;
  /** Leave a note explaining each repair (off: the label change in GitLab's history is enough). */
  explainRepairs: boolean;
  conflicts: LabelConflictDef[];
}
