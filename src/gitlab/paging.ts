/**
 * Reading every page of a GitLab listing. When GitLab tells the total (`x-total-pages`), the
 * remaining pages are requested at once and the requester's queue bounds how many run together;
 * otherwise (totals are omitted past 10,000 rows, and keyset paging has none) the `x-next-page`
 * header or the `Link: rel="next"` URL is followed one page at a time.
 */
import type { RequesterType } from "@gitbeaker/requester-utils";
import { GitLabDataError } from "./errors.js";

export const PER_PAGE = 100;

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
    const pending = [];
    for (let page = 2; page <= totalPages; page++) {
      const p = api.get(endpoint, { searchParams: { ...params, per_page: PER_PAGE, page } });
      // Rejections are re-raised in order below; this keeps a later page's failure from being
      // reported as unhandled while an earlier page is still awaited.
      p.catch(() => undefined);
      pending.push(p);
    }
    for (const p of pending) yield rowsOf((await p).body, endpoint);
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
