/**
 * What a note on an issue or merge request may say about a failed Slack post. Notes are public to
 * everyone who can see the resource, and a transport error names the webhook's host, address and
 * port (`connect ECONNREFUSED 10.1.2.3:443`, `getaddrinfo ENOTFOUND hooks.slack.com`), sometimes
 * its URL: a note keeps only Slack's HTTP status, or says Slack could not be reached. The full
 * reason goes to the log and the run report.
 */
export function publicSlackReason(failure: string): string {
  const status = /^Slack answered (\d{3})\b/.exec(failure)?.[1];
  return status !== undefined ? `Slack answered ${status}` : "Slack could not be reached";
}
