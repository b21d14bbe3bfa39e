/** How rules refer to labels in the notes they write: GitLab renders `~"name"` as the label itself. */
export function labelRef(name: string): string {
  return `~"${name.replace(/"/g, "")}"`;
}

export function labelList(names: string[]): string {
  return names.map(labelRef).join(", ");
}
