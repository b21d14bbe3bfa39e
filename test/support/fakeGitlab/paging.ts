/**
 * GitLab's two paging modes. Offset paging sets x-page, x-per-page, x-next-page, x-prev-page,
 * x-total, x-total-pages and a Link header (totals and rel="last" are left out past 10,000 rows,
 * as GitLab does). Keyset paging (`pagination=keyset`) answers only a Link rel="next" carrying an
 * opaque cursor.
 */
import { badRequest, int, str, type Params } from "./params.js";

export interface Page<T> {
  items: T[];
  headers: Record<string, string>;
}

/** Past this many rows GitLab stops counting. */
const COUNT_LIMIT = 10_000;

export function perPage(params: Params, max: number): number {
  const value = int(params, "per_page") ?? 20;
  return Math.min(Math.max(value, 1), max);
}

function link(url: URL, changes: Record<string, string>, rel: string): string {
  const next = new URL(url);
  for (const [key, value] of Object.entries(changes)) next.searchParams.set(key, value);
  return `<${next.toString()}>; rel="${rel}"`;
}

export function offsetPage<T>(all: T[], params: Params, url: URL, max: number): Page<T> {
  const size = perPage(params, max);
  const page = Math.max(int(params, "page") ?? 1, 1);
  const total = all.length;
  const totalPages = Math.max(Math.ceil(total / size), 1);
  const items = all.slice((page - 1) * size, page * size);
  const hasNext = page * size < total;
  const hasPrev = page > 1;
  const counted = total <= COUNT_LIMIT;
  const headers: Record<string, string> = {
    "x-page": String(page),
    "x-per-page": String(size),
    "x-next-page": hasNext ? String(page + 1) : "",
    "x-prev-page": hasPrev ? String(page - 1) : "",
  };
  if (counted) {
    headers["x-total"] = String(total);
    headers["x-total-pages"] = String(totalPages);
  }
  const links: string[] = [];
  const base = { per_page: String(size) };
  if (hasPrev) links.push(link(url, { ...base, page: String(page - 1) }, "prev"));
  if (hasNext) links.push(link(url, { ...base, page: String(page + 1) }, "next"));
  links.push(link(url, { ...base, page: "1" }, "first"));
  if (counted) links.push(link(url, { ...base, page: String(totalPages) }, "last"));
  headers.link = links.join(", ");
  return { items, headers };
}

type SortKey = [string | number | null, number];

/**
 * Keyset page over items already sorted by `compare`. The cursor holds the sort key of the last
 * item served, so rows that move or appear between requests do not break the walk.
 */
export function keysetPage<T>(
  all: T[],
  params: Params,
  url: URL,
  max: number,
  key: (item: T) => SortKey,
  compare: (a: SortKey, b: SortKey) => number,
): Page<T> {
  const size = perPage(params, max);
  const cursor = str(params, "cursor");
  let rest = all;
  if (cursor) {
    let after: SortKey;
    try {
      after = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as SortKey;
    } catch {
      throw badRequest("cursor is invalid");
    }
    rest = all.filter((item) => compare(key(item), after) > 0);
  }
  const items = rest.slice(0, size);
  const headers: Record<string, string> = { "x-per-page": String(size) };
  const last = items[items.length - 1];
  if (rest.length > size && last !== undefined) {
    const next = Buffer.from(JSON.stringify(key(last)), "utf8").toString("base64url");
    headers.link = link(url, { cursor: next, per_page: String(size), pagination: "keyset" }, "next");
  }
  return { items, headers };
}
