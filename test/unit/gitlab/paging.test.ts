/**
 * A listing GitLab says the size of (`x-total-pages`) is read a few pages ahead of the caller, not
 * all at once: a sweep of a large board must not hold every page in memory while it works.
 */
import type { RequesterType } from "@gitbeaker/requester-utils";
import { describe, expect, it } from "vitest";
import { PAGES_AHEAD, pagesOf } from "../../../src/gitlab/paging.js";

function pagedApi(totalPages: number, failing?: number) {
  const requested: number[] = [];
  const api = {
    get: (_endpoint: string, options: { searchParams: { page: number } }) => {
      const page = options.searchParams.page;
      requested.push(page);
      if (page === failing) return Promise.reject(new Error(`page ${page} failed`));
      return Promise.resolve({ body: [{ id: page }], headers: { "x-total-pages": String(totalPages) }, status: 200 });
    },
  } as unknown as RequesterType;
  return { api, requested };
}

describe("reading a listing page by page", () => {
  it(`requests at most ${PAGES_AHEAD} pages ahead of the one being read, and yields every page in order`, async () => {
    const { api, requested } = pagedApi(30);
    const seen: number[] = [];
    for await (const rows of pagesOf(api, "projects/1/issues", {})) {
      seen.push((rows[0] as { id: number }).id);
      expect(requested.length).toBeLessThanOrEqual(seen.length + PAGES_AHEAD);
    }
    expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(requested).toHaveLength(30);
  });

  it("raises a page's failure when the caller reaches that page, after the pages before it", async () => {
    const { api } = pagedApi(8, 3);
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const rows of pagesOf(api, "projects/1/issues", {})) seen.push((rows[0] as { id: number }).id);
      })(),
    ).rejects.toThrow("page 3 failed");
    expect(seen).toEqual([1, 2]);
  });
});
