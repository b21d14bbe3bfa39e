/**
 * The Redis inbox's bookkeeping as Lua scripts, each one atomic on the server, so replicas never
 * see an event half-recorded or half-claimed. BullMQ moves the reconcile jobs; these scripts own
 * the events and the per-resource run lock.
 *
 * Keys, under a prefix P (default `mops:inbox`):
 *   P:seq                    last event id
 *   P:ev:<id>                event hash: dk ref kind uuid recv state att next fin err owner
 *   P:dedupe:<dedupeKey>     event id; what makes a redelivered webhook a duplicate
 *   P:state:<state>          ids per state (score = id), for listing and counting
 *   P:done-at                done ids by finish time, for pruning dedupe records
 *   P:ref:<ref>:pending      pending ids of a resource (score = when the next attempt may run)
 *   P:ref:<ref>:inflight     ids claimed by the run that holds the lock
 *   P:ref:<ref>:lock         run token of the replica reconciling the resource (expires: lease)
 *   P:ref:<ref>:gen          bumped by every claim; names the resource's next job (see redisInbox.ts)
 *   P:open                   resources with pending or claimed events (score = last change)
 *
 * Keys are built inside the scripts, so this needs one Redis (with replicas or Sentinel if
 * wanted), not Redis Cluster.
 */
import { createHash } from "node:crypto";
import type { Redis } from "ioredis";

const HELPERS = `
local P = ARGV[1]
local function k(...) return P .. ':' .. table.concat({...}, ':') end
local function refKey(ref, part) return P .. ':ref:' .. ref .. ':' .. part end
-- What is left of a resource after a run: its generation and when its next pending event may
-- run (-1 when nothing waits). Resources with nothing pending or claimed leave the open set.
local function tail(ref, now)
  local gen = redis.call('GET', refKey(ref, 'gen')) or '0'
  local first = redis.call('ZRANGE', refKey(ref, 'pending'), 0, 0, 'WITHSCORES')
  if #first == 0 then
    if redis.call('SCARD', refKey(ref, 'inflight')) == 0 then redis.call('ZREM', k('open'), ref) end
    return {gen, '-1'}
  end
  redis.call('ZADD', k('open'), now, ref)
  return {gen, first[2]}
end
`;

/** ARGV: P dk ref kind uuid receivedAt now -> {id, gen}; id 0 for a duplicate. */
const RECORD = `${HELPERS}
local dk, ref = ARGV[2], ARGV[3]
local dedupe = k('dedupe', dk)
local gen = redis.call('GET', refKey(ref, 'gen')) or '0'
if redis.call('EXISTS', dedupe) == 1 then return {0, gen} end
local id = redis.call('INCR', k('seq'))
local ev = k('ev', id)
redis.call('HSET', ev, 'dk', dk, 'ref', ref, 'kind', ARGV[4], 'recv', ARGV[6], 'state', 'pending', 'att', 0, 'next', ARGV[6])
if ARGV[5] ~= '' then redis.call('HSET', ev, 'uuid', ARGV[5]) end
redis.call('SET', dedupe, id)
redis.call('ZADD', k('state', 'pending'), id, id)
redis.call('ZADD', refKey(ref, 'pending'), ARGV[6], id)
redis.call('ZADD', k('open'), ARGV[7], ref)
return {id, gen}
`;

/**
 * ARGV: P ref token leaseMs now maxAttempts interruptedMessage
 * -> {-1} busy (another run holds the lock)
 *  | {0, gen, deadNow} nothing pending | {-2, gen, deadNow, dueAt} nothing due yet
 *  | {1, gen, deadNow, id1, dk1, att1, id2, ...} claimed: every pending event of the resource.
 * Events claimed by a run whose lock has expired (its replica died or stopped mid-run) were
 * interrupted: that counts as a failed attempt, as in the SQLite inbox, so an event that kills
 * its replica cannot loop forever.
 */
const CLAIM = `${HELPERS}
local ref, token, lease, now, maxAtt, msg = ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6]), ARGV[7]
local lock = refKey(ref, 'lock')
if redis.call('EXISTS', lock) == 1 then return {-1} end
local pending = refKey(ref, 'pending')
local deadNow = 0
for _, id in ipairs(redis.call('SMEMBERS', refKey(ref, 'inflight'))) do
  local ev = k('ev', id)
  if redis.call('HGET', ev, 'state') == 'in_flight' then
    local att = tonumber(redis.call('HGET', ev, 'att')) + 1
    redis.call('ZREM', k('state', 'in_flight'), id)
    redis.call('HDEL', ev, 'owner')
    if att >= maxAtt then
      redis.call('HSET', ev, 'state', 'dead', 'att', att, 'fin', now, 'err', msg)
      redis.call('ZADD', k('state', 'dead'), id, id)
      deadNow = deadNow + 1
    else
      redis.call('HSET', ev, 'state', 'pending', 'att', att, 'next', now, 'err', msg)
      redis.call('ZADD', k('state', 'pending'), id, id)
      redis.call('ZADD', pending, now, id)
    end
  end
end
redis.call('DEL', refKey(ref, 'inflight'))
local gen = redis.call('INCR', refKey(ref, 'gen'))
local first = redis.call('ZRANGE', pending, 0, 0, 'WITHSCORES')
if #first == 0 then
  redis.call('ZREM', k('open'), ref)
  return {0, gen, deadNow}
end
if tonumber(first[2]) > now then return {-2, gen, deadNow, first[2]} end
redis.call('SET', lock, token, 'PX', lease)
local out = {1, gen, deadNow}
for _, id in ipairs(redis.call('ZRANGE', pending, 0, -1)) do
  local ev = k('ev', id)
  redis.call('HSET', ev, 'state', 'in_flight', 'owner', token)
  redis.call('ZREM', k('state', 'pending'), id)
  redis.call('ZADD', k('state', 'in_flight'), id, id)
  redis.call('SADD', refKey(ref, 'inflight'), id)
  table.insert(out, id)
  table.insert(out, redis.call('HGET', ev, 'dk'))
  table.insert(out, redis.call('HGET', ev, 'att'))
end
redis.call('DEL', pending)
redis.call('ZADD', k('open'), now, ref)
return out
`;

/** ARGV: P ref token leaseMs -> 1 while the lock is still this run's, else 0. */
const RENEW = `${HELPERS}
local lock = refKey(ARGV[2], 'lock')
if redis.call('GET', lock) == ARGV[3] then
  redis.call('PEXPIRE', lock, ARGV[4])
  return 1
end
return 0
`;

/** Marks one claimed event done or failed; only while this run still owns it. */
const SETTLE = `${HELPERS}
local function owned(ev, token)
  return redis.call('HGET', ev, 'state') == 'in_flight' and redis.call('HGET', ev, 'owner') == token
end
local function leave(ref, id)
  redis.call('ZREM', k('state', 'in_flight'), id)
  redis.call('SREM', refKey(ref, 'inflight'), id)
end
local function release(ref, token)
  local lock = refKey(ref, 'lock')
  if redis.call('GET', lock) == token then redis.call('DEL', lock) end
end
`;

/** ARGV: P ref token now id... -> {gen, nextDue} (see tail). */
const FINISH = `${HELPERS}${SETTLE}
local ref, token, now = ARGV[2], ARGV[3], ARGV[4]
for i = 5, #ARGV do
  local id = ARGV[i]
  local ev = k('ev', id)
  if owned(ev, token) then
    leave(ref, id)
    redis.call('HINCRBY', ev, 'att', 1)
    redis.call('HSET', ev, 'state', 'done', 'fin', now)
    redis.call('HDEL', ev, 'err', 'owner')
    redis.call('ZADD', k('state', 'done'), id, id)
    redis.call('ZADD', k('done-at'), now, id)
  end
end
release(ref, token)
return tail(ref, now)
`;

/**
 * ARGV: P ref token now error (id attempts nextAttemptAt)... ; nextAttemptAt -1 = dead letter.
 * -> {gen, nextDue, dead}
 */
const FAIL = `${HELPERS}${SETTLE}
local ref, token, now, err = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local dead = 0
for i = 6, #ARGV, 3 do
  local id, att, nextAt = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local ev = k('ev', id)
  if owned(ev, token) then
    leave(ref, id)
    redis.call('HDEL', ev, 'owner')
    if nextAt == '-1' then
      redis.call('HSET', ev, 'state', 'dead', 'att', att, 'fin', now, 'err', err)
      redis.call('ZADD', k('state', 'dead'), id, id)
      dead = dead + 1
    else
      redis.call('HSET', ev, 'state', 'pending', 'att', att, 'next', nextAt, 'err', err)
      redis.call('ZADD', k('state', 'pending'), id, id)
      redis.call('ZADD', refKey(ref, 'pending'), nextAt, id)
    end
  end
end
release(ref, token)
local t = tail(ref, now)
return {t[1], t[2], dead}
`;

/** ARGV: P now target ('all-dead' or an id) -> {count, ref1, gen1, ref2, gen2, ...}. */
const RETRY = `${HELPERS}
local now, target = ARGV[2], ARGV[3]
local ids
if target == 'all-dead' then ids = redis.call('ZRANGE', k('state', 'dead'), 0, -1) else ids = {target} end
local count, refs, out = 0, {}, {0}
for _, id in ipairs(ids) do
  local ev = k('ev', id)
  local state = redis.call('HGET', ev, 'state')
  if state and state ~= 'in_flight' then
    local ref = redis.call('HGET', ev, 'ref')
    redis.call('ZREM', k('state', state), id)
    redis.call('ZREM', k('done-at'), id)
    redis.call('HSET', ev, 'state', 'pending', 'att', 0, 'next', now)
    redis.call('HDEL', ev, 'fin', 'err')
    redis.call('ZADD', k('state', 'pending'), id, id)
    redis.call('ZADD', refKey(ref, 'pending'), now, id)
    redis.call('ZADD', k('open'), now, ref)
    count = count + 1
    if not refs[ref] then
      refs[ref] = true
      table.insert(out, ref)
      table.insert(out, redis.call('GET', refKey(ref, 'gen')) or '0')
    end
  end
end
out[1] = count
return out
`;

/** ARGV: P id -> 1 when deleted; 0 when unknown or claimed by a running reconcile. */
const DROP = `${HELPERS}
local id = ARGV[2]
local ev = k('ev', id)
local state = redis.call('HGET', ev, 'state')
if not state or state == 'in_flight' then return 0 end
local ref, dk = redis.call('HGET', ev, 'ref'), redis.call('HGET', ev, 'dk')
redis.call('ZREM', k('state', state), id)
redis.call('ZREM', k('done-at'), id)
redis.call('ZREM', refKey(ref, 'pending'), id)
if redis.call('GET', k('dedupe', dk)) == id then redis.call('DEL', k('dedupe', dk)) end
redis.call('DEL', ev)
if redis.call('ZCARD', refKey(ref, 'pending')) == 0 and redis.call('SCARD', refKey(ref, 'inflight')) == 0 then
  redis.call('ZREM', k('open'), ref)
end
return 1
`;

/** ARGV: P cutoff batch -> number of done events (and their dedupe records) deleted. */
const PRUNE = `${HELPERS}
local ids = redis.call('ZRANGEBYSCORE', k('done-at'), '-inf', ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))
for _, id in ipairs(ids) do
  local ev = k('ev', id)
  local dk = redis.call('HGET', ev, 'dk')
  if dk and redis.call('GET', k('dedupe', dk)) == id then redis.call('DEL', k('dedupe', dk)) end
  redis.call('DEL', ev)
  redis.call('ZREM', k('state', 'done'), id)
  redis.call('ZREM', k('done-at'), id)
end
return #ids
`;

/**
 * ARGV: P now changedBefore batch -> {ref1, gen1, due1, ...}: open resources untouched since
 * `changedBefore` that no run holds, with when they are due (claimed events of a dead run: now).
 */
const STRANDED = `${HELPERS}
local now = ARGV[2]
local out = {}
for _, ref in ipairs(redis.call('ZRANGEBYSCORE', k('open'), '-inf', ARGV[3], 'LIMIT', 0, tonumber(ARGV[4]))) do
  if redis.call('EXISTS', refKey(ref, 'lock')) == 0 then
    local gen = redis.call('GET', refKey(ref, 'gen')) or '0'
    local due = nil
    if redis.call('SCARD', refKey(ref, 'inflight')) > 0 then
      due = now
    else
      local first = redis.call('ZRANGE', refKey(ref, 'pending'), 0, 0, 'WITHSCORES')
      if #first > 0 then due = first[2] else redis.call('ZREM', k('open'), ref) end
    end
    if due then
      table.insert(out, ref)
      table.insert(out, gen)
      table.insert(out, due)
    end
  end
end
return out
`;

/** A Lua script run by its SHA1, sent in full only when the server does not know it (e.g. after a restart). */
class Script {
  private readonly sha: string;
  constructor(private readonly lua: string) {
    this.sha = createHash("sha1").update(lua).digest("hex");
  }

  async run(redis: Redis, args: (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, 0, ...args);
    } catch (e) {
      if (e instanceof Error && e.message.startsWith("NOSCRIPT")) return redis.eval(this.lua, 0, ...args);
      throw e;
    }
  }
}

export const SCRIPTS = {
  record: new Script(RECORD),
  claim: new Script(CLAIM),
  renew: new Script(RENEW),
  finish: new Script(FINISH),
  fail: new Script(FAIL),
  retry: new Script(RETRY),
  drop: new Script(DROP),
  prune: new Script(PRUNE),
  stranded: new Script(STRANDED),
};
