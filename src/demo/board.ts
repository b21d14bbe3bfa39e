/**
 * The demo's MOps board: issues drawn from situations the handbook describes, some healthy and
 * some with the mistakes people make by hand (a list import left in triage, a blocked issue
 * nobody explained, misspelled Sales Systems labels, two stages at once...). Each planted
 * problem says which rule should find it.
 */

export type DemoMilestone = "current" | "next" | "past" | null;

export interface DemoIssue {
  project: "mops" | "sales-systems";
  title: string;
  description: string;
  /** Labels in the order they were applied (each application is a label event). */
  labels: string[];
  milestone: DemoMilestone;
  assignees: string[];
  author: string;
  /** Comments people wrote after the labels were applied. */
  comments?: string[];
  /** How many days ago it was opened (default: a few weeks, older first). */
  ageDays?: number;
  /** What the bot should do about it, for the demo's explanation and the tests. */
  planted?: string;
}

const story = (who: string, want: string, why: string) => `As a ${who}, I would like ${want}, so that ${why}.`;

export const DEMO_PEOPLE = ["amy.owner", "christine.owner", "mops.member1", "mops.member2", "mops.member3", "dan.fieldmktg", "erin.sdr", "frank.abm"];

export const DEMO_ISSUES: DemoIssue[] = [
  // --- healthy issues, one per stage ---
  { project: "mops", title: "Marketo: webcast program template for FY27", description: story("field marketer", "a webcast template", "setup takes minutes"), labels: ["MktgOps::00: Triage", "Marketo", "MktgOpsPriority:: 03-Low"], milestone: null, assignees: [], author: "dan.fieldmktg", ageDays: 1 },
  { project: "mops", title: "Clarify lead routing for the EMEA partner form", description: "Which region owns partner leads from DACH?", labels: ["MktgOpsPriority:: 03-Low", "MktgOps::01: Needs More Information"], milestone: null, assignees: [], author: "erin.sdr" },
  { project: "mops", title: "Bizible: touchpoints for virtual events", description: story("campaign manager", "virtual event touchpoints", "attribution is complete"), labels: ["MktgOpsPriority:: 03-Low", "MktgOps::02: Ready for Assignment", "Bizible"], milestone: null, assignees: [], author: "dan.fieldmktg" },
  { project: "mops", title: "PathFactory track for the DevSecOps campaign", description: story("campaign manager", "a content track", "visitors binge the content"), labels: ["MktgOpsPriority:: 03-Low", "MktgOps::03: Assigned", "PathFactory"], milestone: "next", assignees: ["mops.member2"], author: "frank.abm" },
  { project: "mops", title: "Lead scoring model refresh", description: story("SDR", "a refreshed scoring model", "I call the hottest leads first"), labels: ["MktgOps::04: In Progress", "Marketo", "MktgOpsPriority:: 01-High"], milestone: "current", assignees: ["mops.member1"], author: "erin.sdr", ageDays: 2 },
  { project: "mops", title: "Qualified chat routing for enterprise accounts", description: story("SDR", "chats routed by territory", "enterprise visitors reach their rep"), labels: ["MktgOpsPriority:: 03-Low", "MktgOps::05: Business Owner Review", "Qualified"], milestone: "current", assignees: ["mops.member3"], author: "erin.sdr" },
  { project: "mops", title: "On24 to Marketo attendance sync", description: story("field marketer", "attendance synced", "follow-up emails go out the same day"), labels: ["MktgOpsPriority:: 03-Low", "MktgOps::06: Ready to Deploy", "On24"], milestone: "current", assignees: ["mops.member1"], author: "dan.fieldmktg" },
  { project: "mops", title: "6sense segment sync to SFDC", description: story("ABM manager", "segments in SFDC", "reps see intent data"), labels: ["MktgOpsPriority:: 03-Low", "MktgOps::07: Blocked", "6sensee"], milestone: "current", assignees: ["mops.member2"], author: "frank.abm", comments: ["Blocked: waiting on the 6sense support ticket about the API quota."] },
  { project: "mops", title: "Groove sequence clean-up", description: story("SDR", "old sequences archived", "nobody uses stale templates"), labels: ["MktgOpsPriority:: 03-Low", "MktgOps::08: Completed", "Groove"], milestone: "current", assignees: ["mops.member3"], author: "erin.sdr" },
  { project: "mops", title: "Monthly newsletter list build", description: story("lifecycle marketer", "the newsletter list", "the send goes out on time"), labels: ["MktgOpsPriority:: 03-Low", "MktgOps - List Import"], milestone: null, assignees: [], author: "dan.fieldmktg" },

  // --- planted problems ---
  { project: "mops", title: "Import booth scans from the AWS Summit", description: "CSV attached.", labels: ["MktgOps::00: Triage", "MktgOps - List Import"], milestone: null, assignees: [], author: "dan.fieldmktg", planted: "label-hygiene: a list import must not also carry MktgOps::00: Triage" },
  { project: "mops", title: "LinkedIn Sales Navigator seat request", description: story("new SDR", "a Sales Navigator seat", "I can prospect"), labels: ["LinkedIn Sales Navigator"], milestone: null, assignees: [], author: "erin.sdr", planted: "workflow: no stage, gets MktgOps::00: Triage" },
  { project: "mops", title: "Email request: partner webinar invitation", description: "Send on Thursday.", labels: [], milestone: null, assignees: [], author: "dan.fieldmktg", planted: "workflow: no label at all, gets MktgOps::00: Triage" },
  { project: "mops", title: "Bizible: fix duplicate touchpoints", description: story("analyst", "no duplicate touchpoints", "the attribution report is right"), labels: ["MktgOps::04: In Progress", "Bizible", "MktgOps - bug"], milestone: null, assignees: [], author: "frank.abm", planted: "workflow: 04 needs an assignee and the current milestone" },
  { project: "mops", title: "ZoomInfo enrichment stopped for new leads", description: "Since Monday no lead is enriched.", labels: ["MktgOps::07: Blocked", "ZoomInfo"], milestone: "current", assignees: ["mops.member1"], author: "erin.sdr", planted: "workflow: 07, nobody said what blocks it: the assignee is reminded once, with no attention label" },
  { project: "mops", title: "Contact Us form: route to the right queue", description: story("SDR", "Contact Us requests routed", "we answer within one business day"), labels: ["MktgOps::03: Assigned"], milestone: "current", assignees: ["mops.member2"], author: "erin.sdr", planted: "workflow: 03 is for a milestone that is not the current one" },
  { project: "mops", title: "Marketo smart campaign audit", description: story("MOps manager", "unused campaigns deactivated", "processing is faster"), labels: ["MktgOps::02: Ready for Assignment", "Marketo"], milestone: "next", assignees: ["mops.member3"], author: "amy.owner", planted: "workflow: 02 has no milestone and no assignee yet" },
  { project: "mops", title: "Webcast follow-up cadence", description: story("field marketer", "a follow-up cadence", "attendees hear from us"), labels: ["MktgOps::0 - To Be Triaged"], milestone: null, assignees: [], author: "dan.fieldmktg", planted: "label-hygiene: old label generation replaced by MktgOps::00: Triage" },
  { project: "mops", title: "Security: rotate the Marketo API user", description: "Credential exposure in a shared doc.", labels: ["MktgOps::04: In Progress", "MktgOpsPriority::00-Urgent", "Marketo"], milestone: "current", assignees: ["mops.member1"], author: "amy.owner", planted: "label-hygiene: MktgOpsPriority::00-Urgent (no space) becomes the handbook's MktgOpsPriority:: 00-Urgent" },
  { project: "mops", title: "Campaign member status clean-up", description: story("analyst", "consistent statuses", "funnel reports add up"), labels: ["MktgOps::03: Assigned", "MktgOps::04: In Progress"], milestone: "current", assignees: ["mops.member2"], author: "frank.abm", planted: "scoped-exclusivity: two stages; 04 was applied last and stays" },
  { project: "mops", title: "Ping @all about the Marketo outage\n/close", description: "Please /close this and tell @all.", labels: ["MktgOps::06: Ready to Deploy"], milestone: null, assignees: ["mops.member3"], author: "erin.sdr", planted: "workflow: 06 needs the current milestone (the title's /close and @all must stay harmless)" },
  { project: "mops", title: "Update the MktgOps changelog for Q3", description: story("MOps manager", "the changelog current", "marketing knows what changed"), labels: ["MktgOps::01: Needs More Information", "MktgOps - changelog"], milestone: null, assignees: ["mops.member1"], author: "amy.owner", planted: "workflow: 01 has no assignee yet" },

  // --- Sales Systems requests ---
  { project: "sales-systems", title: "SFDC: new lead status for partner-sourced leads", description: story("partner marketer", "a partner lead status", "partner leads are tracked"), labels: ["entapps-customer::MOPS", "MktgOpsPrio::02: In Queue - Mops", "MktgImpact - Partner Lead Lifecycle"], milestone: null, assignees: [], author: "amy.owner" },
  { project: "sales-systems", title: "SFDC: campaign influence model update", description: story("analyst", "the influence model updated", "pipeline is credited correctly"), labels: ["entapps-customer::MOPS", "MtkgOpsPrio::04: Actioned", "MktgType - Operational Improvements"], milestone: null, assignees: ["mops.member2"], author: "christine.owner", planted: "label-hygiene: MtkgOpsPrio::04: Actioned is a misspelling" },
  { project: "sales-systems", title: "SFDC: FLS for the new ABM fields", description: story("ABM manager", "field-level security set", "reps see the ABM fields"), labels: ["entapps-customer::MOPS", "MktgOpsPrio::01: Approved", "MktgType - FLS or Access"], milestone: null, assignees: [], author: "frank.abm", planted: "label-hygiene: MktgOpsPrio::01: Approved is the process text's spelling of MktgOpsPrio::01: In Approved" },
  { project: "sales-systems", title: "SFDC: release the lead source picklist update", description: "UAT passed, screenshots attached.", labels: ["entapps-customer::MOPS", "MtkgOpsPrio::06: Pending Release", "SFDCReleaseHelp"], milestone: null, assignees: ["mops.member3"], author: "christine.owner", planted: "label-hygiene: MtkgOpsPrio::06: Pending Release is a misspelling" },
  { project: "sales-systems", title: "SFDC: dedupe rule for contacts", description: story("SDR", "no duplicate contacts", "I do not call people twice"), labels: ["entapps-customer::MOPS", "MktgOpsPrio::00: Requested"], milestone: null, assignees: [], author: "erin.sdr" },
];
