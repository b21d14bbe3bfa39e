import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSlackNotifier } from "../../../src/notify/slack.js";
import { missingSlackWebhooks, SlackConfigError, slackEnvWarnings, slackWebhooksFromEnv } from "../../../src/notify/config.js";
import { escapeSlack, handbookUpdateMessage, rolloverMessage } from "../../../src/notify/messages.js";
import type { NotificationPolicy } from "../../../src/policy/model.js";
import { startFakeSlack, type FakeSlack } from "./fakeSlack.js";

const logger = pino({ level: "silent" });
let slack: FakeSlack;
let sleeps: number[];
beforeEach(async () => {
  slack = await startFakeSlack();
  sleeps = [];
});
afterEach(() => slack.close());

function notifier(dryRun = false, printed: string[] = []) {
  return createSlackNotifier({
    webhooks: { mktgops: slack.url("mktgops") },
    dryRun,
    logger,
    print: (l) => printed.push(l),
    retry: { attempts: 4, baseMs: 100, maxMs: 1000 },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 1,
    dryRunChannels: ["mktgops", "hbupdate-abm"],
  });
}

describe("Slack notifier", () => {
  it("posts the message in Slack's incoming-webhook format", async () => {
    const outcome = await notifier().post("mktgops", { text: "hello", blocks: [{ type: "section", text: { type: "mrkdwn", text: "*hello*" } }] });
    expect(outcome).toMatchObject({ channel: "mktgops", ok: true, attempts: 1 });
    expect(slack.to("mktgops")).toHaveLength(1);
    expect(slack.to("mktgops")[0]!.body).toMatchObject({ text: "hello", blocks: [{ type: "section" }] });
  });

  it("retries 5xx and network-free 429s with exponential backoff, honouring Retry-After", async () => {
    slack.next = [{ status: 500 }, { status: 429, retryAfter: 3 }, { status: 503 }];
    const outcome = await notifier().post("mktgops", { text: "x" });
    expect(outcome).toMatchObject({ ok: true, attempts: 4 });
    expect(sleeps).toEqual([100, 3000, 400]);
    expect(slack.to("mktgops")).toHaveLength(1);
  });

  it("gives up at once on a 4xx (a revoked webhook), reports it and calls onFailure, without throwing", async () => {
    slack.next = [{ status: 404, body: "no_service" }];
    const failures: string[] = [];
    const outcome = await notifier().post("mktgops", { text: "x" }, { onFailure: (e) => void failures.push(e.message) });
    expect(outcome).toMatchObject({ ok: false, attempts: 1, error: "Slack answered 404: no_service" });
    expect(failures).toEqual(["Slack answered 404: no_service"]);
    expect(sleeps).toEqual([]);
  });

  it("gives up after the last attempt", async () => {
    slack.next = [{ status: 500 }, { status: 500 }, { status: 500 }, { status: 500 }];
    const outcome = await notifier().post("mktgops", { text: "x" });
    expect(outcome).toMatchObject({ ok: false, attempts: 4 });
    expect(slack.deliveries).toEqual([]);
  });

  it("a dry run prints the message and sends nothing, for every channel of the policy", async () => {
    const printed: string[] = [];
    const n = notifier(true, printed);
    expect(n.channels).toEqual(expect.arrayContaining(["mktgops", "hbupdate-abm"]));
    await n.post("hbupdate-abm", { text: "merged: Update ABM page" });
    expect(printed).toEqual(["[dry run] Slack #hbupdate-abm: merged: Update ABM page"]);
    expect(slack.deliveries).toEqual([]);
  });

  it("queues posts in the background: idle() waits for all of them", async () => {
    const n = notifier();
    void n.post("mktgops", { text: "1" });
    void n.post("mktgops", { text: "2" });
    await n.idle();
    expect(slack.to("mktgops").map((d) => d.body.text).sort()).toEqual(["1", "2"]);
    expect(n.outcomes()).toHaveLength(2);
  });
});

describe("Slack configuration from the environment", () => {
  const policy: NotificationPolicy = {
    channels: { mktgops: { webhookEnv: "SLACK_WEBHOOK_MKTGOPS", description: "" }, "hbupdate-sdr": { webhookEnv: "SLACK_WEBHOOK_HBUPDATE_SDR", description: "" } },
    handbookUpdates: [],
  };

  it("maps channels to URLs and names every missing variable in one error", () => {
    expect(slackWebhooksFromEnv(policy, { SLACK_WEBHOOK_MKTGOPS: "https://hooks.slack.com/services/T/B/X" }, ["mktgops"])).toEqual({ mktgops: "https://hooks.slack.com/services/T/B/X" });
    let error: unknown;
    try {
      slackWebhooksFromEnv(policy, { SLACK_WEBHOOK_MKTGOPS: "not a url" }, ["mktgops", "hbupdate-sdr"]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SlackConfigError);
    expect((error as Error).message).toContain("SLACK_WEBHOOK_MKTGOPS (for #mktgops)");
    expect((error as Error).message).toContain("SLACK_WEBHOOK_HBUPDATE_SDR (for #hbupdate-sdr)");
    expect(missingSlackWebhooks(policy, {})).toHaveLength(2);
  });

  it("warns, for `policies validate`, about channels whose variable is not set", () => {
    expect(slackEnvWarnings(policy, { SLACK_WEBHOOK_MKTGOPS: "https://x" })).toEqual([
      expect.stringContaining("SLACK_WEBHOOK_HBUPDATE_SDR, which is not set here"),
    ]);
    expect(slackEnvWarnings(undefined, {})).toEqual([]);
  });
});

describe("Slack messages", () => {
  it("escapes people's text so it cannot form links or mentions", () => {
    expect(escapeSlack("<!channel> & <http://x|y>\nnext")).toBe("&lt;!channel&gt; &amp; &lt;http://x|y&gt; next");
    const m = handbookUpdateMessage({ title: "Fix <!here> | table", url: "https://gitlab.example/h/-/merge_requests/7", ref: "h!7", author: "Amy", labels: ["FMM-HB Update"] }, "merged");
    expect(m.text).toBe("Handbook update merged: Fix &lt;!here&gt; | table by Amy https://gitlab.example/h/-/merge_requests/7");
    expect(JSON.stringify(m.blocks)).toContain("<https://gitlab.example/h/-/merge_requests/7|Fix &lt;!here&gt; ¦ table>");
  });

  it("lists moved issues with links and flags the ones moved twice", () => {
    const m = rolloverMessage("MktgOps 2026-11-16", "MktgOps 2026-11-30", [
      { ref: "g/p#1", url: "https://x/1", title: "One", assignees: ["amy"], movedBefore: false },
      { ref: "g/p#2", url: "https://x/2", title: "Two", assignees: [], movedBefore: true },
    ]);
    expect(m.text.split("\n")).toEqual([
      "MktgOps 2026-11-16 has ended: 2 open issues move to MktgOps 2026-11-30. The reason for each move is in the issue.",
      "• One https://x/1",
      "• Two https://x/2 (moved twice in a row)",
    ]);
    expect(JSON.stringify(m.blocks)).toContain(":warning: moved twice in a row");
  });
});
