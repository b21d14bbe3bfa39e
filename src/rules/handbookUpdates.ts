/**
 * Handbook-update notifications (handbook "Handbook Updates"): a merge request carrying one of the
 * routing labels in notifications.yml is posted to each of the label's Slack channels when it is
 * merged (or, for `when: created` routes, as soon as it exists). Each post has a marker, recorded
 * in a note on the merge request, so it is made once however often the merge request is seen.
 */
import type { Action } from "../domain/actions.js";
import { markerKey } from "../domain/markers.js";
import type { ResourceSnapshot } from "../domain/snapshot.js";
import { handbookUpdateMessage } from "../notify/messages.js";
import type { CompiledPolicy, HandbookUpdateRoute } from "../policy/model.js";
import type { Rule, RuleFactory } from "./types.js";

const RULE_ID = "handbook-updates";
/** Merges and creations older than this are history, not news: they are never announced. */
export const HANDBOOK_UPDATE_MAX_AGE_DAYS = 7;

export function handbookUpdateMarker(route: Pick<HandbookUpdateRoute, "when">, channel: string): string {
  return markerKey("slack", "hb-update", route.when, channel);
}

/** When the event a route announces happened, or null when it has not happened. */
function eventTime(s: ResourceSnapshot, when: HandbookUpdateRoute["when"]): Date | null {
  if (when === "merged") return s.state === "merged" ? (s.mergedAt ?? s.updatedAt) : null;
  // A merge request first seen already merged gets the merge announcement only.
  return s.state === "opened" ? s.createdAt : null;
}

function createRule(policy: CompiledPolicy, routes: HandbookUpdateRoute[]): Rule {
  return {
    id: RULE_ID,
    description: "Posts merged handbook-update merge requests to the Slack channels of their labels (once per channel).",
    appliesTo: ["merge_request"],
    onBotDocuments: true,
    needs: () => ({}),
    evaluate(s, ctx): Action[] {
      const actions: Action[] = [];
      for (const route of routes) {
        if (!s.labels.includes(route.label)) continue;
        const at = eventTime(s, route.when);
        if (at === null || ctx.now.getTime() - at.getTime() > HANDBOOK_UPDATE_MAX_AGE_DAYS * 86_400_000) continue;
        const message = handbookUpdateMessage(
          { title: s.title, url: s.webUrl, ref: `${s.ref.path}!${s.iid}`, author: s.author.name ?? s.author.username, labels: s.labels },
          route.when,
        );
        for (const channel of route.channels) {
          actions.push({
            type: "notify_slack",
            channel,
            marker: handbookUpdateMarker(route, channel),
            message,
            rule: RULE_ID,
            reason: `It carries "${route.label}", which the handbook posts to #${channel} when the merge request is ${route.when === "merged" ? "merged" : "created"}.`,
          });
        }
      }
      return actions;
    },
  };
}

export const handbookUpdates: RuleFactory = {
  kind: RULE_ID,
  create: (policy) => {
    const routes = policy.notifications?.handbookUpdates ?? [];
    return routes.length === 0 ? [] : [createRule(policy, routes)];
  },
};
