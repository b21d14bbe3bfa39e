/**
 * Request parameters the way GitLab's Grape API reads them: query string (with `a[]=` arrays and
 * `not[labels]=` hashes), JSON body or form body, merged into one object; plus readers that turn
 * a bad value into the 400 GitLab would answer.
 */

export type Params = Record<string, unknown>;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(typeof body === "object" && body !== null ? JSON.stringify(body) : String(body));
  }
}

export function badRequest(message: string): HttpError {
  return new HttpError(400, { error: message });
}

/** Adds `key=value` to params, honouring `key[]` (array) and `key[sub]` (hash) forms. */
function assign(params: Params, rawKey: string, value: string): void {
  const array = /^(.+)\[\]$/.exec(rawKey);
  if (array) {
    const key = array[1]!;
    const current = params[key];
    params[key] = Array.isArray(current) ? [...(current as unknown[]), value] : [value];
    return;
  }
  const hash = /^([^[]+)\[([^\]]+)\](\[\])?$/.exec(rawKey);
  if (hash) {
    const key = hash[1]!;
    const sub = hash[2]!;
    const nested = (typeof params[key] === "object" && params[key] !== null ? params[key] : {}) as Params;
    if (hash[3]) nested[sub] = [...((nested[sub] as unknown[] | undefined) ?? []), value];
    else nested[sub] = value;
    params[key] = nested;
    return;
  }
  params[rawKey] = value;
}

export function parseSearch(search: URLSearchParams, into: Params = {}): Params {
  for (const [key, value] of search) assign(into, key, value);
  return into;
}

export function parseBody(contentType: string | undefined, raw: string, into: Params): Params {
  if (raw.trim() === "") return into;
  if (contentType?.includes("application/json")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw badRequest("The request body is not valid JSON.");
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw badRequest("The JSON body must be an object.");
    return Object.assign(into, parsed);
  }
  return parseSearch(new URLSearchParams(raw), into);
}

export function str(params: Params, key: string): string | undefined {
  const value = params[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  throw badRequest(`${key} is invalid`);
}

export function int(params: Params, key: string): number | undefined {
  const value = str(params, key);
  if (value === undefined || value === "") return undefined;
  if (!/^-?\d+$/.test(value)) throw badRequest(`${key} is invalid`);
  return Number(value);
}

export function bool(params: Params, key: string): boolean | undefined {
  const value = str(params, key);
  if (value === undefined || value === "") return undefined;
  if (value === "true" || value === "1") return true;
  if (value === "false" || value === "0") return false;
  throw badRequest(`${key} is invalid`);
}

/** `a,b` or `["a","b"]` -> names; labels may contain spaces, never commas. */
export function list(params: Params, key: string): string[] | undefined {
  const value = params[key];
  if (value === undefined || value === null) return undefined;
  const items = Array.isArray(value) ? value.map(String) : String(value).split(",");
  return items.map((s) => s.trim()).filter(Boolean);
}

/** Integer list: `[1,2]`, `1,2`, `ids[]=1`; `0`, `""` and `[]` mean none. */
export function intList(params: Params, key: string): number[] | undefined {
  const value = params[key];
  if (value === undefined) return undefined;
  if (value === null || value === "" || value === 0 || value === "0") return [];
  const items = Array.isArray(value) ? value : String(value).split(",");
  const ids = items.map((v) => String(v).trim()).filter((v) => v !== "");
  if (ids.some((v) => !/^\d+$/.test(v))) throw badRequest(`${key} is invalid`);
  return ids.map(Number).filter((id) => id !== 0);
}

export function date(params: Params, key: string): string | null | undefined {
  const value = str(params, key);
  if (value === undefined) return undefined;
  if (value === "") return null;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) throw badRequest(`${key} is invalid`);
  return value;
}

export function oneOf<T extends string>(params: Params, key: string, allowed: readonly T[]): T | undefined {
  const value = str(params, key);
  if (value === undefined || value === "") return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw badRequest(`${key} does not have a valid value`);
  return value as T;
}

export function required(params: Params, key: string): string {
  const value = str(params, key);
  if (value === undefined || value === "") throw badRequest(`${key} is missing`);
  return value;
}
