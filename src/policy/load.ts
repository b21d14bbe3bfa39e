/**
 * Loading `policies/`: read every file with positions, validate each against its zod schema,
 * compile, then check references between files — collecting every problem in one pass so a MOps
 * editor sees the whole list at once. `loadPolicies` is what the bot calls before it acts;
 * `validatePolicies` is what `mops-bot policies validate` prints.
 */
import { readdir } from "node:fs/promises";
import path from "node:path";
import { checkHandbookQuotes } from "./handbookQuotes.js";
import { compileCalendar } from "./compile/calendar.js";
import { compileHygiene } from "./compile/hygiene.js";
import { compileLabels } from "./compile/labels.js";
import { compileDigest } from "./compile/digest.js";
import { compileIntake } from "./compile/intake.js";
import { compileMilestones } from "./compile/milestones.js";
import { compileNotifications } from "./compile/notifications.js";
import type { CompiledLabels } from "./compile/labels.js";
import { compilePeople } from "./compile/people.js";
import { compileSchedules } from "./compile/schedules.js";
import { compileSla } from "./compile/sla.js";
import { compileRollout } from "./compile/rollout.js";
import type { RolloutFile } from "./schemas/rollout.js";
import type { SlaFile } from "./schemas/sla.js";
import { compileScope } from "./compile/scope.js";
import { compileTools, toolsWarnings } from "./compile/tools.js";
import { compileTriage, type TriageRuleDef } from "./compile/triage.js";
import { compileWorkflow } from "./compile/workflow.js";
import { checkSlaReferences } from "./crossref.js";
import { checkHygieneReferences, checkMilestonesReferences, checkNotificationsReferences, checkTriageChannels, checkTriageReferences, checkWorkflowReferences } from "./crossref.js";
import type { CrossrefContext } from "./crossref.js";
import { checkDigestReferences, checkIntakeReferences, checkToolsReferences } from "./crossref.js";
import { checkPriorityExemptions } from "../digest/priorityExemptions.js";
import { reportIssues } from "./issues.js";
import type { CalendarConfig, CompiledPolicy, HygieneDef, ScheduleDef, ScopeDef, WorkflowDef } from "./model.js";
import { PolicyError } from "./problems.js";
import type { PolicyProblem, PolicyWarning } from "./problems.js";
import type { CalendarFile } from "./schemas/calendar.js";
import type { HygieneFile } from "./schemas/hygiene.js";
import { POLICY_KINDS } from "./schemas/index.js";
import type { PolicyKind, PolicyKindName } from "./schemas/index.js";
import type { LabelsFile } from "./schemas/labels.js";
import type { DigestFile } from "./schemas/digest.js";
import type { IntakeFile } from "./schemas/intake.js";
import type { MilestonesFile } from "./schemas/milestones.js";
import type { ToolsFile } from "./schemas/tools.js";
import type { NotificationsFile } from "./schemas/notifications.js";
import type { PeopleFile } from "./schemas/people.js";
import type { SchedulesFile } from "./schemas/schedules.js";
import type { ScopeFile } from "./schemas/scope.js";
import type { TriageFile } from "./schemas/triage.js";
import type { WorkflowFile } from "./schemas/workflow.js";
import { ProblemSink, readPolicySource, readPolicyText } from "./source.js";
import type { PolicySource } from "./source.js";
import { didYouMean } from "./suggest.js";
import { loadTemplates } from "./templates.js";

export interface ValidateOptions {
  /** Names of the scheduled jobs the bot has; when given, schedules.yml may name only these. */
  knownJobs?: readonly string[];
}

export interface PolicySummary {
  files: number;
  labels: number;
  scopedSets: number;
  aliases: number;
  workflows: number;
  peopleGroups: number;
  schedules: number;
  templates: number;
}

export interface ValidationResult {
  /** Present only when there are no problems. */
  policy?: CompiledPolicy;
  problems: PolicyProblem[];
  /** Valid settings that will not do what a reader may expect; the policies still load. */
  warnings: PolicyWarning[];
  summary: PolicySummary;
}

/** Load, validate and compile `dir`; throws PolicyError listing every problem. */
export async function loadPolicies(dir: string, options: ValidateOptions = {}): Promise<CompiledPolicy> {
  const result = await validatePolicies(dir, options);
  if (!result.policy) throw new PolicyError(result.problems);
  return result.policy;
}

interface Parsed<T> {
  source: PolicySource;
  data: T;
}

const SKIPPED_FOLDERS = new Set(["schema", "templates"]);

export async function validatePolicies(dir: string, options: ValidateOptions = {}): Promise<ValidationResult> {
  const sink = new ProblemSink();
  const root = path.resolve(dir);
  const display = path.basename(root);
  const files = await listYamlFiles(root, display, sink);

  // 1. Read and validate every file against its schema.
  const parsed = new Map<PolicyKindName, Parsed<unknown>[]>();
  const texts: { file: string; text: string }[] = [];
  for (const { rel, kind } of files) {
    const file = path.join(display, rel);
    const text = await readPolicyText(path.join(root, rel), file, sink);
    if (text === undefined) continue;
    texts.push({ file, text });
    const source = readPolicySource(file, text, sink);
    if (!source.usable) continue;
    const result = kind.schema.safeParse(source.data);
    if (!result.success) {
      reportIssues(result.error.issues, kind.schema, source, sink);
      continue;
    }
    parsed.set(kind.name, [...(parsed.get(kind.name) ?? []), { source, data: result.data }]);
  }
  const one = <T>(name: PolicyKindName): Parsed<T> | undefined => parsed.get(name)?.[0] as Parsed<T> | undefined;
  const templates = await loadTemplates(root, display, sink);

  // 2. Compile each file on its own.
  const scopeFile = one<ScopeFile>("scope");
  const scope: ScopeDef | undefined = scopeFile && compileScope(scopeFile.source, scopeFile.data, sink);
  const peopleFile = one<PeopleFile>("people");
  const people = peopleFile && compilePeople(peopleFile.source, peopleFile.data, sink);
  const labelsFile = one<LabelsFile>("labels");
  const labels: CompiledLabels | undefined = labelsFile && compileLabels(labelsFile.source, labelsFile.data, sink);
  const hygieneFile = one<HygieneFile>("hygiene");
  const hygiene: HygieneDef | undefined = hygieneFile && compileHygiene(hygieneFile.data);
  const calendarFile = one<CalendarFile>("calendar");
  const calendar: CalendarConfig | undefined = calendarFile && compileCalendar(calendarFile.source, calendarFile.data, sink);
  const schedulesFile = one<SchedulesFile>("schedules");
  const schedules: ScheduleDef[] | undefined =
    schedulesFile && compileSchedules(schedulesFile.source, schedulesFile.data, calendar?.timeZone ?? "UTC", sink, options.knownJobs);

  // 3. Workflows and references between files.
  const ctx: CrossrefContext = {
    ...(labels ? { taxonomy: labels.taxonomy } : {}),
    ...(people ? { people } : {}),
    templates: new Set(Object.keys(templates)),
    ...(scope ? { roles: new Set(scope.projects.flatMap((p) => p.roles)) } : {}),
    sink,
  };
  if (hygieneFile) checkHygieneReferences(ctx, hygieneFile.source, hygieneFile.data);
  const workflows: WorkflowDef[] = [];
  const workflowIds = new Map<string, string>();
  for (const wf of (parsed.get("workflow") ?? []) as Parsed<WorkflowFile>[]) {
    const firstFile = workflowIds.get(wf.data.workflow);
    if (firstFile !== undefined) sink.at(wf.source, ["workflow"], `workflow '${wf.data.workflow}' is already defined in ${firstFile}: give each workflow its own id`);
    workflowIds.set(wf.data.workflow, wf.source.file);
    checkWorkflowReferences(ctx, wf.source, wf.data);
    const compiled = labels && compileWorkflow(wf.source, wf.data, labels, sink);
    if (compiled) workflows.push(compiled);
  }

  const triage: TriageRuleDef[] = [];
  const triageIds = new Map<string, string>();
  for (const tf of (parsed.get("triage") ?? []) as Parsed<TriageFile>[]) {
    tf.data.rules.forEach((rule, i) => {
      const firstFile = triageIds.get(rule.id);
      if (firstFile !== undefined) sink.at(tf.source, ["rules", i, "id"], `triage rule '${rule.id}' is already defined in ${firstFile}: give each rule its own id`);
      triageIds.set(rule.id, tf.source.file);
    });
    checkTriageReferences(ctx, tf.source, tf.data);
    if (labels) triage.push(...compileTriage(tf.source, tf.data, labels.taxonomy, sink));
  }

  const notificationsFile = one<NotificationsFile>("notifications");
  const notifications = notificationsFile && compileNotifications(notificationsFile.source, notificationsFile.data, sink);
  if (notificationsFile) checkNotificationsReferences(ctx, notificationsFile.source, notificationsFile.data);
  for (const tf of (parsed.get("triage") ?? []) as Parsed<TriageFile>[]) {
    checkTriageChannels(ctx, tf.source, tf.data, notifications && new Set(Object.keys(notifications.channels)));
  }
  const milestonesFile = one<MilestonesFile>("milestones");
  const milestones = milestonesFile && compileMilestones(milestonesFile.source, milestonesFile.data, sink);
  // null: notifications.yml exists but has problems of its own (reported there), so channels are not checked.
  const channels = notifications ? new Set(Object.keys(notifications.channels)) : files.some((f) => f.kind.name === "notifications") ? null : undefined;
  if (milestonesFile) checkMilestonesReferences(ctx, milestonesFile.source, milestonesFile.data, channels);

  // Tool registry, intake checks and the weekly digest (each file optional).
  const toolsFile = one<ToolsFile>("tools");
  if (toolsFile) checkToolsReferences(ctx, toolsFile.source, toolsFile.data);
  const tools = toolsFile && compileTools(toolsFile.source, toolsFile.data, sink);
  const warningSink = new ProblemSink();
  if (toolsFile) toolsWarnings(toolsFile.source, toolsFile.data, warningSink);
  await checkHandbookQuotes(root, texts, warningSink);
  const warnings = [...warningSink.problems].sort(byPosition);
  const intakeFile = one<IntakeFile>("intake");
  if (intakeFile) checkIntakeReferences(ctx, intakeFile.source, intakeFile.data);
  const intake = intakeFile && compileIntake(intakeFile.data);
  const digestFile = one<DigestFile>("digest");
  if (digestFile) checkDigestReferences(ctx, digestFile.source, digestFile.data, notifications && new Set(Object.keys(notifications.channels)));
  if (digestFile) checkPriorityExemptions(digestFile, (parsed.get("triage") ?? []) as Parsed<TriageFile>[], sink);
  const digest = digestFile && compileDigest(digestFile.data);

  const slaFile = one<SlaFile>("sla");
  if (slaFile) checkSlaReferences(ctx, slaFile.source, slaFile.data);
  const sla = slaFile && compileSla(slaFile.source, slaFile.data, sink);
  const rolloutFile = one<RolloutFile>("rollout");
  if (rolloutFile && ctx.roles) checkRolloutRoles(ctx.roles, rolloutFile, sink);
  const rollout = rolloutFile && compileRollout(rolloutFile.data, calendar?.timeZone ?? "UTC");

  const problems = [...sink.problems].sort(byPosition);
  const summary: PolicySummary = {
    files: files.length + Object.keys(templates).length,
    labels: labels?.taxonomy.definitions.length ?? 0,
    scopedSets: labels?.taxonomy.scopedSets.length ?? 0,
    aliases: labels?.taxonomy.aliases.size ?? 0,
    workflows: workflows.length,
    peopleGroups: people ? Object.keys(people).length : 0,
    schedules: schedules?.length ?? 0,
    templates: Object.keys(templates).length,
  };
  if (problems.length > 0 || !scope || !people || !labels || !hygiene || !calendar || !schedules) {
    return { problems, warnings, summary };
  }
  const policy: CompiledPolicy = { dir: root, scope, people, taxonomy: labels.taxonomy, hygiene, calendar, schedules, workflows, templates, triage };
  if (milestones) policy.milestones = milestones;
  if (notifications) policy.notifications = notifications;
  if (tools) policy.tools = tools;
  if (intake) policy.intake = intake;
  if (digest) policy.digest = digest;
  if (sla) policy.sla = sla;
  if (rollout) policy.rollout = rollout;
  return { policy, problems, warnings, summary };
}

/** The project roles rollout.yml names exist in scope.yml. */
function checkRolloutRoles(roles: Set<string>, file: Parsed<RolloutFile>, sink: ProblemSink): void {
  const named: [string[], string | undefined][] = [
    [["attention", "project_role"], file.data.attention?.project_role],
  ];
  for (const [at, role] of named) {
    if (role !== undefined && !roles.has(role)) sink.at(file.source, at, `no project in scope.yml has the role '${role}'${didYouMean(role, [...roles]) || ` — roles: ${[...roles].join(", ")}`}`);
  }
}

function byPosition(a: PolicyProblem, b: PolicyProblem): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col;
}

const isYaml = (name: string): boolean => name.endsWith(".yml") || name.endsWith(".yaml");

/** The YAML files of `root` with their kind; missing required files and unknown files are problems. */
async function listYamlFiles(root: string, display: string, sink: ProblemSink): Promise<{ rel: string; kind: PolicyKind }[]> {
  let entries;
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch {
    sink.add(display, { line: 1, col: 1 }, `policies directory not found: ${root}`);
    return [];
  }
  const out: { rel: string; kind: PolicyKind }[] = [];
  const singles = POLICY_KINDS.filter((k) => !k.multiple);
  const known = singles.map((k) => k.location);
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.isFile() && isYaml(entry.name)) {
      const base = entry.name.replace(/\.yaml$/, ".yml");
      const kind = singles.find((k) => k.location === base);
      if (kind) out.push({ rel: entry.name, kind });
      else sink.add(path.join(display, entry.name), { line: 1, col: 1 }, `'${entry.name}' is not a known policy file${didYouMean(base, known) || ` — known files: ${known.join(", ")}, workflows/*.yml`}`);
    } else if (entry.isDirectory() && !SKIPPED_FOLDERS.has(entry.name)) {
      const folderKind = POLICY_KINDS.find((k) => k.multiple && k.location === `${entry.name}/`);
      const inner = (await readdir(path.join(root, entry.name))).filter(isYaml).sort();
      for (const name of inner) {
        const rel = path.join(entry.name, name);
        if (folderKind) out.push({ rel, kind: folderKind });
        else sink.add(path.join(display, rel), { line: 1, col: 1 }, `'${rel}' is not in a known policy folder (known: ${POLICY_KINDS.filter((k) => k.multiple).map((k) => k.location).join(", ")})`);
      }
    }
  }
  for (const kind of singles) {
    if (!kind.optional && !out.some((f) => f.kind === kind)) {
      sink.add(path.join(display, kind.location), { line: 1, col: 1 }, `${kind.location} is missing: the bot needs it (${kind.title})`);
    }
  }
  return out;
}
