/** people.yml: named groups of GitLab users the other files refer to. */
import { compilePeople } from "../compile/people.js";
import { peopleSchema } from "../schemas/people.js";
import { singleFileKind } from "./kind.js";

export const peopleKind = singleFileKind({
  name: "people",
  title: "mops-bot people groups (people.yml)",
  file: "people.yml",
  schema: peopleSchema,
  load: ({ source, data }, ctx) => compilePeople(source, data, ctx.sink),
  toPolicy: (people) => ({ people }),
});
