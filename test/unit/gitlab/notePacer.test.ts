/** The note pacer: halved by a refusal, back to the pace it was given after ten quiet windows. */
import { describe, expect, it } from "vitest";
import { SlidingWindowPacer } from "../../../src/gitlab/pacing.js";

describe("SlidingWindowPacer", () => {
  it("halves on a refusal, and goes back to its configured pace after ten minutes without one", async () => {
    let now = 0;
    const pacer = new SlidingWindowPacer(60, () => new Date(now), async (ms) => void (now += ms));
    await pacer.acquire();
    expect(pacer.slowDown(now)).toBe(30);
    now += 9 * 60_000;
    await pacer.acquire();
    expect(pacer.perMinute).toBe(30);
    now += 60_000;
    await pacer.acquire();
    expect(pacer.perMinute).toBe(60);
  });
});
