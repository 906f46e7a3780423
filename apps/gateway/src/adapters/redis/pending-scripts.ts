import { LuaScript } from './lua-script';

/**
 * The pending-call scripts. Each runs atomically in Redis, which is what makes "exactly one
 * replica completes an entry" hold. Per kind (commands, requests) there are three keys, in one
 * hash slot (`{kind}` hash tag) so the scripts also work on Redis Cluster:
 *   entries    HASH  id -> entry JSON
 *   deadlines  ZSET  id -> deadline (ms); while claimed: the claim's lease expiry
 *   claims     HASH  id -> holder ("{instance}|{boot}")
 * and per command a dedupe key (STRING, TTL) correlation id -> id.
 */

/**
 * Adds n entries in order, each as a lone add would (so a dedupe key repeated in one call finds
 * the entry of its first occurrence). KEYS: entries, deadlines, then each entry's dedupe key;
 * ARGV: dedupe TTL ms, then per entry: id, entry, deadline, use dedupe (1/0). Returns per entry
 * {'added'}, {'pending', id, entry} or {'completed', id}.
 */
export const ADD_MANY = new LuaScript(`
local out = {}
for i = 1, #KEYS - 2 do
  local at = 1 + (i - 1) * 4
  local id, entry, deadline, dedupe = ARGV[at + 1], ARGV[at + 2], ARGV[at + 3], ARGV[at + 4]
  local outcome = nil
  if dedupe == '1' then
    local seen = redis.call('GET', KEYS[i + 2])
    if seen then
      local existing = redis.call('HGET', KEYS[1], seen)
      if existing then outcome = {'pending', seen, existing} else outcome = {'completed', seen} end
    else
      redis.call('SET', KEYS[i + 2], id, 'PX', ARGV[1])
    end
  end
  if not outcome then
    redis.call('HSET', KEYS[1], id, entry)
    redis.call('ZADD', KEYS[2], deadline, id)
    outcome = {'added'}
  end
  out[i] = outcome
end
return out
`);

/**
 * KEYS: entries, deadlines, claims; ARGV: id, holder, now, lease ms, holder's instance prefix.
 * Held by someone else with a live lease: refused. Held by an earlier life of this same
 * instance (it restarted and got the unacknowledged message again): taken over.
 */
export const CLAIM = new LuaScript(`
local entry = redis.call('HGET', KEYS[1], ARGV[1])
if not entry then return {'unknown'} end
local holder = redis.call('HGET', KEYS[3], ARGV[1])
if holder then
  local leaseUntil = tonumber(redis.call('ZSCORE', KEYS[2], ARGV[1]) or '0')
  local earlierLife = holder ~= ARGV[2] and string.sub(holder, 1, string.len(ARGV[5])) == ARGV[5]
  if leaseUntil > tonumber(ARGV[3]) and not earlierLife then return {'held'} end
end
redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], tonumber(ARGV[3]) + tonumber(ARGV[4]), ARGV[1])
return {'claimed', entry}
`);

/**
 * KEYS: entries, deadlines, claims; ARGV: now, limit, holder, lease ms.
 * Claims every entry whose deadline (or abandoned lease) has passed; returns id, entry pairs.
 */
export const CLAIM_EXPIRED = new LuaScript(`
local ids = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for _, id in ipairs(ids) do
  local entry = redis.call('HGET', KEYS[1], id)
  if entry then
    redis.call('HSET', KEYS[3], id, ARGV[3])
    redis.call('ZADD', KEYS[2], tonumber(ARGV[1]) + tonumber(ARGV[4]), id)
    table.insert(out, id)
    table.insert(out, entry)
  else
    redis.call('ZREM', KEYS[2], id)
    redis.call('HDEL', KEYS[3], id)
  end
end
return out
`);

/** KEYS: entries, deadlines, claims; ARGV: id, holder. Only the holder may complete. */
export const COMPLETE = new LuaScript(`
if redis.call('HGET', KEYS[3], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
`);
