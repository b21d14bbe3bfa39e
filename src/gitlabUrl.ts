/**
 * Checking GITLAB_URL: a web address with a scheme and without credentials. The token belongs in
 * GITLAB_TOKEN, where it is never logged; a token inside the URL would be printed wherever the
 * address is (logs, error messages, /readyz).
 */
import { redactUrlCredentials } from "./redact.js";

/** What is wrong with a GITLAB_URL value and how to fix it, or undefined when it is usable. */
export function gitlabUrlProblem(text: string): string | undefined {
  const shown = redactUrlCredentials(text);
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    return `GITLAB_URL is "${shown}"; it must start with https:// or http://, e.g. https://${shown.replace(/^\/+/, "") || "gitlab.example.com"}`;
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `GITLAB_URL is "${shown}"; it must be a web address such as https://gitlab.example.com`;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return `GITLAB_URL is "${shown}"; it must start with https:// or http://, not ${url.protocol}//`;
  }
  if (url.username !== "" || url.password !== "") {
    return `GITLAB_URL "${shown}" contains a user name or token: remove it (write ${url.protocol}//${url.host}${url.pathname === "/" ? "" : url.pathname}) and put the token in GITLAB_TOKEN`;
  }
  return undefined;
}
