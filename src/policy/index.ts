/**
 * policy/ — the team's YAML policies: one declaration per kind of file (kinds/: its location,
 * schema, checks and compile step), zod schemas (schemas/), YAML loading with positions
 * (source.ts), compilation to the model the rest of the bot reads (compile/; its types in
 * model/, put together in model.ts), checks between files (crossref.ts), template placeholders,
 * JSON Schema export and the `policies` CLI.
 * Nothing outside this folder reads YAML; everything else imports the compiled model.
 */
export { loadPolicies, validatePolicies } from "./load.js";
export type { PolicySummary, ValidateOptions, ValidationResult } from "./load.js";
export { PolicyError, formatProblem } from "./problems.js";
export type { PolicyProblem } from "./problems.js";
export { PLACEHOLDERS, isPlaceholder } from "./placeholders.js";
export type { PlaceholderName } from "./placeholders.js";
export { jsonSchemaFiles, writeJsonSchemas } from "./jsonSchema.js";
export { POLICY_KINDS } from "./kinds/index.js";
export type * from "./model.js";
export { rolesOf, projectsWithRole } from "./model.js";
