/**
 * Authenticating a delivery before its body is parsed: the shared secret in `X-Gitlab-Token`
 * (several accepted at once so a secret can be rotated without downtime) and, when configured,
 * the Standard Webhooks signature GitLab 19+ adds.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

function digest(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

/**
 * A check of `X-Gitlab-Token` against `secrets`: true when the token equals one of them. Both
 * sides are hashed first so the comparison is between equal-length buffers (timingSafeEqual's
 * requirement) and its time says nothing about the secrets' lengths; every secret is compared, so
 * the time does not tell which one matched. The secrets' hashes are computed once, not per
 * delivery.
 */
export function secretMatcher(secrets: readonly string[]): (presented: string | undefined) => boolean {
  const expected = secrets.map(digest);
  return (presented) => {
    if (presented === undefined) return false;
    const given = digest(presented);
    let matched = false;
    for (const secret of expected) {
      if (timingSafeEqual(given, secret)) matched = true;
    }
    return matched;
  };
}

const SIGNING_PREFIX = "whsec_";

/** The HMAC key from a `whsec_<base64>` signing token; throws with what is wrong. */
export function signingKey(token: string): Buffer {
  if (!token.startsWith(SIGNING_PREFIX)) {
    throw new Error("the webhook signing token must start with whsec_ (copy it from the GitLab webhook settings)");
  }
  const encoded = token.slice(SIGNING_PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) {
    throw new Error("the webhook signing token must be whsec_ followed by base64 text");
  }
  const key = Buffer.from(encoded, "base64");
  if (key.length < 16) throw new Error("the webhook signing token is too short to be a GitLab signing token");
  return key;
}

export interface SignatureHeaders {
  id: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/** How far a signature's timestamp may be from our clock, either way (replay protection). */
export const SIGNATURE_TOLERANCE_SECONDS = 5 * 60;

/**
 * Checks `webhook-signature` (space-separated `v1,<base64>` entries; any one may match) over
 * `"{webhook-id}.{webhook-timestamp}.{raw body}"`.
 */
export function verifySignature(key: Buffer, headers: SignatureHeaders, rawBody: Buffer, nowSeconds: number): SignatureCheck {
  const { id, timestamp, signature } = headers;
  if (!id || !timestamp || !signature) {
    const missing = [!id && "webhook-id", !timestamp && "webhook-timestamp", !signature && "webhook-signature"].filter(Boolean);
    return { ok: false, reason: `missing signature header(s): ${missing.join(", ")}` };
  }
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: "webhook-timestamp is not a number of seconds" };
  const age = nowSeconds - Number(timestamp);
  if (age > SIGNATURE_TOLERANCE_SECONDS) return { ok: false, reason: "webhook-timestamp is too old (possible replay)" };
  if (-age > SIGNATURE_TOLERANCE_SECONDS) return { ok: false, reason: "webhook-timestamp is too far in the future" };

  const expected = createHmac("sha256", key)
    .update(`${id}.${timestamp}.`, "utf8")
    .update(rawBody)
    .digest();
  let matched = false;
  for (const entry of signature.split(" ")) {
    const comma = entry.indexOf(",");
    if (comma < 0 || entry.slice(0, comma) !== "v1") continue;
    const given = Buffer.from(entry.slice(comma + 1), "base64");
    if (given.length === expected.length && timingSafeEqual(given, expected)) matched = true;
  }
  return matched ? { ok: true } : { ok: false, reason: "webhook-signature does not match the configured signing token" };
}

/** Builds a valid signature header value; used by tests and the benchmark to sign requests. */
export function signPayload(key: Buffer, id: string, timestamp: number, rawBody: Buffer | string): string {
  const mac = createHmac("sha256", key).update(`${id}.${timestamp}.`, "utf8").update(rawBody).digest("base64");
  return `v1,${mac}`;
}
