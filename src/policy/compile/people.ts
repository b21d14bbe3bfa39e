/** people.yml -> group name -> usernames. */
import type { PeopleFile } from "../schemas/people.js";
import type { PolicySource, ProblemSink } from "../source.js";

export function compilePeople(source: PolicySource, data: PeopleFile, sink: ProblemSink): Record<string, string[]> {
  const people: Record<string, string[]> = {};
  for (const [name, group] of Object.entries(data.groups)) {
    const seen = new Set<string>();
    group.members.forEach((m, i) => {
      if (seen.has(m.toLowerCase())) sink.at(source, ["groups", name, "members", i], `'${m}' is listed twice in group '${name}'`);
      seen.add(m.toLowerCase());
    });
    people[name] = [...new Set(group.members)];
  }
  return people;
}
