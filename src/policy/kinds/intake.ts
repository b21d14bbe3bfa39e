/** intake.yml (optional): checks on new requests (user stories, personal data, tool evaluations). */
import { compileIntake } from "../compile/intake.js";
import { checkIntakeReferences } from "../crossref.js";
import { intakeSchema } from "../schemas/intake.js";
import { singleFileKind } from "./kind.js";

export const intakeKind = singleFileKind({
  name: "intake",
  title: "mops-bot intake checks (intake.yml)",
  file: "intake.yml",
  optional: true,
  schema: intakeSchema,
  load: ({ source, data }, ctx) => {
    checkIntakeReferences(ctx.refs, source, data);
    return compileIntake(data);
  },
  toPolicy: (intake) => ({ intake }),
});
