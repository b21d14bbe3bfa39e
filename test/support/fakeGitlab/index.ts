/**
 * A stateful fake GitLab (REST v4 and webhooks) for tests, benchmarks and the demo.
 *
 *   const fake = await startFakeGitlab({ token: "bot-token", webhookUrl, webhookToken });
 *   fake.addProject("mops/campaigns");
 *   fake.addLabel({ group: "mops", name: "MktgOps::00: Triage" });
 *   fake.addIssue("mops/campaigns", { title: "Webinar", labels: ["MktgOps::00: Triage"], author: "alice" });
 *   // point the bot at fake.apiUrl with the token; then assert on fake.issue(...), fake.writes(),
 *   // fake.createdLabels, fake.quickActionsExecuted, fake.webhookDeliveries.
 *   await fake.close();
 *
 * It serves users, groups, projects, issues, merge requests, notes (quick actions run), resource
 * label events, milestones, labels and branches with GitLab's paging headers, RateLimit-* headers
 * and error bodies; faults and latency can be injected at any time. No test framework imports:
 * src/demo may use it too.
 */
export { FakeGitlab, startFakeGitlab } from "./server.js";
export type { IssuableChanges } from "./mutations.js";
export { extractQuickActions, KNOWN_QUICK_ACTIONS } from "./quickActions.js";
export type { ActAs, IssuableSeed, LabelSeed, MergeRequestSeed, MilestoneSeed, NoteSeed, Time, UserSeed } from "./seed.js";
export type {
  CreatedLabel,
  FakeGitlabOptions,
  Faults,
  QuickActionRecord,
  RateLimitOptions,
  RequestRecord,
  WebhookDelivery,
} from "./types.js";
export type { IssuableView, LabelEventView, LabelView, MilestoneView, NoteView } from "./views.js";
