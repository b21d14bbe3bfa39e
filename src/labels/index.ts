/**
 * labels/ — GitLab's labels kept equal to policies/labels.yml.
 *
 * - desired.ts: the taxonomy as labels GitLab should have (colour, description, board priority).
 * - syncPlan.ts, drift.ts, movePlan.ts: pure planning (fixes, unknown labels, alias moves).
 * - sync.ts, migrate.ts: read GitLab, carry the plan out (dry-run honoured), report.
 * - render.ts: the text reports; cli.ts: `mops-bot labels sync|migrate`.
 */
export { boardPriorities, desiredLabels } from "./desired.js";
export type { DesiredLabel } from "./desired.js";
export { driftPrefix, findDrift, NO_PREFIX } from "./drift.js";
export type { DriftGroup, DriftLabel } from "./drift.js";
export type { LabelInventory, ProjectLabels } from "./inventory.js";
export { aliasesOn, MIGRATE_RULE, movePlan, planLabelMove } from "./movePlan.js";
export type { LabelMove } from "./movePlan.js";
export { runLabelMigration } from "./migrate.js";
export type { AliasDeletion, MigrateOptions, MigrationDeps, MigrationReport, MovedResource } from "./migrate.js";
export { renderDrift, renderMigrationReport, renderSyncReport } from "./render.js";
export { isInsideGroup, readInventory, runLabelSync } from "./sync.js";
export type { LabelSyncDeps, LabelSyncReport } from "./sync.js";
export { planLabelSync } from "./syncPlan.js";
export type { FieldChange, LabelFix } from "./syncPlan.js";
