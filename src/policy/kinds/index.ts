/**
 * Every kind of policy file, in the order `policies validate` names them and `policies schema`
 * writes them. A new kind is one file in this folder and one line here.
 */
import { calendarKind } from "./calendar.js";
import { companionsKind } from "./companions.js";
import { digestKind } from "./digest.js";
import { hygieneKind } from "./hygiene.js";
import { intakeKind } from "./intake.js";
import type { PolicyKind } from "./kind.js";
import { labelsKind } from "./labels.js";
import { milestonesKind } from "./milestones.js";
import { notificationsKind } from "./notifications.js";
import { peopleKind } from "./people.js";
import { rolloutKind } from "./rollout.js";
import { schedulesKind } from "./schedules.js";
import { scopeKind } from "./scope.js";
import { slaKind } from "./sla.js";
import { toolsKind } from "./tools.js";
import { triageKind } from "./triage.js";
import { workflowKind } from "./workflow.js";

export const POLICY_KINDS: readonly PolicyKind[] = [
  scopeKind,
  peopleKind,
  labelsKind,
  hygieneKind,
  calendarKind,
  schedulesKind,
  workflowKind,
  triageKind,
  milestonesKind,
  notificationsKind,
  toolsKind,
  intakeKind,
  digestKind,
  slaKind,
  rolloutKind,
  companionsKind,
];
