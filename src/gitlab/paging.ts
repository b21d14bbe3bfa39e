/**
 * Reading every page of a GitLab listing. When GitLab tells the total (`x-total-pages`), the
 * next few pages are requested ahead while the caller works through the current one (never the
 * whole listing at once: a sweep of 10,000 issues would hold every page in memory);
 * otherwise (totals are omitted past 10,000 rows, and keyset paging has none) the `x-next-page`
 * header or the `Link: rel="next"` URL is followed one page at a time.
 */
import type { RequesterType } from "@gitbeaker/requester-utils";
import { GitLabDataError } from "./errors.js";

export const PER_PAGE = 100;

/** Pages requested ahead of the one the caller reads: enough to hide latency, few enough to bound memory. */
export const PAGES_AHEAD = 4;

type Params = Record<string, unknown>;

function intHeader(headers: Record<string, string>, name: string): number | undefined {
  const value = headers[name];
  if (value === undefined || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value.trim());
}

function rowsOf(body: unknown, endpoint: string): unknown[] {
  if (!Array.isArray(body)) {
    throw new GitLabDataError(`GitLab answered a listing (${endpoint}) with something other than a list.`);
  }
  return body;
}

/** The `rel="next"` URL of a Link header, as an endpoint relative to /api/v4 plus its query. */
export function nextLink(headers: Record<string, string>): { endpoint: string; params: Params } | undefined {
  const link = headers.link;
  if (link === undefined) return undefined;
  for (const part of link.split(",")) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part.trim());
    if (!m) continue;
    const url = new URL(m[1]!);
    const endpoint = url.pathname.replace(/^.*?\/api\/v4\//, "");
    return { endpoint, params: Object.fromEntries(url.searchParams.entries()) };
  }
  return undefined;
}

/** Every page of `endpoint`, in order, each as its array of rows. */
export async function* pagesOf(api: RequesterType, endpoint: string, params: Params): AsyncGenerator<unknown[]> {
  const first = await api.get(endpoint, { searchParams: { ...params, per_page: PER_PAGE, page: 1 } });
  yield rowsOf(first.body, endpoint);

  const totalPages = intHeader(first.headers, "x-total-pages");
  if (totalPages !== undefined) {
    const pending: ReturnType<RequesterType["get"]>[] = [];
    let next = 2;
    const requestNext = () => {
      const p = api.get(endpoint, { searchParams: { ...params, per_page: PER_PAGE, page: next++ } });
      // Rejections are re-raised in order below; this keeps a later page's failure from being
      // reported as unhandled while an earlier page is still awaited.
      p.catch(() => undefined);
      pending.push(p);
    };
    while (next <= totalPages && pending.length < PAGES_AHEAD) requestNext();
    while (pending.length > 0) {
      const body = (await pending.shift()!).body;
      if (next <= totalPages) requestNext();
      yield rowsOf(body, endpoint);
    }
    return;
  }

  let headers = first.headers;
  let lastPage = 1;
  for (;;) {
    const nextPage = intHeader(headers, "x-next-page");
    let response;
    if (nextPage !== undefined) {
      if (nextPage <= lastPage) return; // a misbehaving proxy must not make this loop forever
      lastPage = nextPage;
      response = await api.get(endpoint, { searchParams: { ...params, per_page: PER_PAGE, page: nextPage } });
    } else {
      const next = nextLink(headers);
      if (next === undefined) return;
      response = await api.get(next.endpoint, { searchParams: next.params });
    }
    const rows = rowsOf(response.body, endpoint);
    yield rows;
    if (rows.length === 0) return;
    headers = response.headers;
  }
}

/** All rows of every page, concatenated. */
export async function allRows(api: RequesterType, endpoint: string, params: Params): Promise<unknown[]> {
  const rows: unknown[] = [];
  for await (const page of pagesOf(api, endpoint, params)) rows.push(...page);
  return rows;
}
