/**
 * The Redis side of a decision. One script, one round trip: every bucket, quota and concurrency limit
 * of a request is checked, and charged only when all allow. Time comes from the Redis server (TIME),
 * so replicas with skewed clocks agree. Every key the script writes gets a TTL in the same command or
 * right after it, inside the script (atomic): no limiter key ever lives without one.
 *
 * KEYS: bucket keys (nb), quota base keys (nq; the period id is appended here, from the server time),
 * concurrency keys (nc). All carry the same hash tag, so they share one Cluster slot.
 * ARGV: nb, nq, nc, leaseId, marginMs, then per bucket rate/burst/cost, per quota limit/cost/period
 * ('day'|'month'), per concurrency limit/leaseMs.
 * Returns: allowed (1|0), index of the first refusing limit (1-based, 0 none), retry-after ms, then per
 * limit (buckets, quotas, concurrency): remaining, reset ms, window ms.
 */
export const CONSUME_LUA = `
if redis.replicate_commands then pcall(redis.replicate_commands) end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local nb, nq, nc = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local lease, margin = ARGV[4], tonumber(ARGV[5])
local floor, ceil = math.floor, math.ceil

local function civil(days)
  local z = days + 719468
  local era = floor(z / 146097)
  local doe = z - era * 146097
  local yoe = floor((doe - floor(doe / 1460) + floor(doe / 36524) - floor(doe / 146096)) / 365)
  local y = yoe + era * 400
  local doy = doe - (365 * yoe + floor(yoe / 4) - floor(yoe / 100))
  local mp = floor((5 * doy + 2) / 153)
  local d = doy - floor((153 * mp + 2) / 5) + 1
  local m = mp + 3
  if mp >= 10 then m = mp - 9 end
  if m <= 2 then y = y + 1 end
  return y, m, d
end
local function days(y, m, d)
  if m <= 2 then y = y - 1 end
  local era = floor(y / 400)
  local yoe = y - era * 400
  local mp = m + 9
  if m > 2 then mp = m - 3 end
  local doy = floor((153 * mp + 2) / 5) + d - 1
  return era * 146097 + yoe * 365 + floor(yoe / 4) - floor(yoe / 100) + doy - 719468
end

local DAY = 86400000
local today = floor(now / DAY)
local y, m, d = civil(today)
local ny, nm = y, m + 1
if nm > 12 then ny, nm = y + 1, 1 end
local periods = {
  day = { string.format('d:%04d-%02d-%02d', y, m, d), today * DAY, (today + 1) * DAY },
  month = { string.format('m:%04d-%02d', y, m), days(y, m, 1) * DAY, days(ny, nm, 1) * DAY },
}

local a = 6
local denied, retry = 0, 0
local tokens, used, qkeys, qper, held, mine = {}, {}, {}, {}, {}, {}
for i = 1, nb do
  local rate, burst, cost = tonumber(ARGV[a]), tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
  a = a + 3
  local level = burst
  local raw = redis.call('GET', KEYS[i])
  if raw then
    local sp = string.find(raw, ' ', 1, true)
    local stored, at = tonumber(string.sub(raw, 1, sp - 1)), tonumber(string.sub(raw, sp + 1))
    local elapsed = now - at
    if elapsed < 0 then elapsed = 0 end
    level = math.min(burst, stored + elapsed * rate / 1000)
  end
  tokens[i] = level
  if denied == 0 and level < cost then
    denied, retry = i, (cost - level) * 1000 / rate
  end
end
for j = 1, nq do
  local i = nb + j
  local limit, cost, period = tonumber(ARGV[a]), tonumber(ARGV[a + 1]), periods[ARGV[a + 2]]
  a = a + 3
  qper[j] = period
  qkeys[j] = KEYS[i] .. ':' .. period[1]
  used[j] = tonumber(redis.call('GET', qkeys[j]) or '0')
  if denied == 0 and used[j] + cost > limit then
    denied, retry = i, period[3] - now
  end
end
for j = 1, nc do
  local i = nb + nq + j
  local limit = tonumber(ARGV[a])
  a = a + 2
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now)
  held[j] = redis.call('ZCARD', KEYS[i])
  mine[j] = redis.call('ZSCORE', KEYS[i], lease) ~= false
  if denied == 0 and not mine[j] and held[j] >= limit then
    denied, retry = i, 1000
  end
end

local allowed = denied == 0
local out = { allowed and 1 or 0, denied, ceil(retry) }
a = 6
for i = 1, nb do
  local rate, burst, cost = tonumber(ARGV[a]), tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
  a = a + 3
  local level = tokens[i]
  if allowed then
    level = level - cost
    local ttl = ceil((burst - level) * 1000 / rate) + margin
    redis.call('SET', KEYS[i], string.format('%.17g %.17g', level, now), 'PX', ttl)
  end
  out[#out + 1] = floor(level + 1e-9)
  out[#out + 1] = ceil((burst - level) * 1000 / rate)
  out[#out + 1] = ceil(burst * 1000 / rate)
end
for j = 1, nq do
  local limit, cost = tonumber(ARGV[a]), tonumber(ARGV[a + 1])
  a = a + 3
  local period = qper[j]
  local count = used[j]
  if allowed and cost > 0 then
    count = redis.call('INCRBY', qkeys[j], cost)
    redis.call('PEXPIRE', qkeys[j], ceil(period[3] - now) + margin)
  end
  out[#out + 1] = limit - count
  out[#out + 1] = ceil(period[3] - now)
  out[#out + 1] = period[3] - period[2]
end
for j = 1, nc do
  local i = nb + nq + j
  local limit, leaseMs = tonumber(ARGV[a]), tonumber(ARGV[a + 1])
  a = a + 2
  local count = held[j]
  if allowed then
    redis.call('ZADD', KEYS[i], now + leaseMs, lease)
    if not mine[j] then count = count + 1 end
    if redis.call('PTTL', KEYS[i]) < leaseMs + margin then
      redis.call('PEXPIRE', KEYS[i], leaseMs + margin)
    end
  end
  out[#out + 1] = limit - count
  out[#out + 1] = 0
  out[#out + 1] = 0
end
return out
`;

/** Frees one lease (ARGV[1]) on every concurrency key. */
export const RELEASE_LUA = `
for i = 1, #KEYS do redis.call('ZREM', KEYS[i], ARGV[1]) end
return #KEYS
`;

/** Units used in the current period (server time) of each quota base key; ARGV: 'day'|'month' per key. */
export const USAGE_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local floor = math.floor
local today = floor(now / 86400000)
local z = today + 719468
local era = floor(z / 146097)
local doe = z - era * 146097
local yoe = floor((doe - floor(doe / 1460) + floor(doe / 36524) - floor(doe / 146096)) / 365)
local y = yoe + era * 400
local doy = doe - (365 * yoe + floor(yoe / 4) - floor(yoe / 100))
local mp = floor((5 * doy + 2) / 153)
local d = doy - floor((153 * mp + 2) / 5) + 1
local m = mp + 3
if mp >= 10 then m = mp - 9 end
if m <= 2 then y = y + 1 end
local ids = { day = string.format('d:%04d-%02d-%02d', y, m, d), month = string.format('m:%04d-%02d', y, m) }
local out = {}
for i = 1, #KEYS do
  out[i] = tonumber(redis.call('GET', KEYS[i] .. ':' .. ids[ARGV[i]]) or '0')
end
return out
`;
