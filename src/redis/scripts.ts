/**
 * The server-side half of `RedisDetector`: Lua scripts run by Redis with EVALSHA. Redis runs a
 * script atomically: "no other script or Redis command will be executed while a script is being
 * executed" (Redis docs, EVAL, *Atomicity of scripts*), and Redis 7 logs its effects in the AOF
 * as one MULTI/EXEC block, which a restart replays whole or not at all (an unfinished block at the
 * end of the AOF is reverted: "Revert incomplete MULTI/EXEC transaction", Redis src/aof.c). So an
 * `add` is one round trip (an `addBatch` call sends 16 prompts per script run), and a crash never
 * leaves half a prompt behind. Redis does not roll a
 * script back on a runtime error, so ADD checks everything it could refuse before its first write.
 *
 * Key layout v3 (the `cfg` string starts with the version; one detector = one hash tag `{T}`, so
 * every key is in one Redis Cluster slot; the Redis Cluster spec, *Hash tags*: only the part
 * between the first `{` and `}` is hashed):
 *
 *   {T}:meta      hash    cfg (the detector's parameters), next (sequence number of the next
 *                         prompt), head (oldest live prompt), ncl (next cluster id), newest (time)
 *   {T}:bk        hash    band field (8 bytes) -> the newest `perBand` prompts of that band
 *                         bucket, oldest first: "17,203,5120" (seqs below head may linger at
 *                         the front: see *Buckets and eviction*)
 *   {T}:it        hash    seq -> signature (numPerm x u32 LE) | band fields (bands x 8 bytes) |
 *                         MessagePack [time, account|false, id|false] (built by the client:
 *                         `itemRecord` in detector.ts) | the prompt's cluster id (decimal) |
 *                         one byte: the id's length, + 128 if the cluster is a one-prompt
 *                         cluster (the label; see LABEL_LUA)
 *   {T}:sp        hash    seq -> one '0'/'1' per band: '1' where a newer prompt has joined the
 *                         bucket after this one (only prompts with such a band have an entry)
 *   {T}:cs        zset    cluster id, scored by its live size (only clusters that have had a
 *                         second prompt: a one-prompt cluster's size is 1)
 *   {T}:ci        hash    cluster id -> MessagePack [lastSeen, solo seq|false, [example texts]]
 *                         (every live cluster)
 *   {T}:cm:<id>   zset    the cluster's live seqs, scored by time (firstSeen = lowest score)
 *   {T}:ca:<id>   hash    account -> live prompts of that account in the cluster
 *
 * A cluster of one prompt (most prompts of a stream are one-off) has no `cs` entry and no
 * `cm`/`ca` keys: its prompt is the "solo seq" of its `ci` record, and that prompt's label has
 * the solo flag. They are made when a second prompt joins ("materialized"), and never dropped
 * again while the cluster lives. So a one-off prompt costs, besides its buckets, one `it` and one
 * `ci` field, written when it comes and deleted when it leaves the window.
 *
 * Layout v2 (before) kept the label in a `{T}:cl` hash and every cluster in `cs`: three more
 * calls per one-off prompt (label write, read and delete) and three sorted-set updates.
 *
 * The per-cluster keys are built inside the scripts from KEYS[1]: they share its hash tag, so
 * they are in the slot of the declared keys, on the node that runs the script (the Redis docs ask
 * scripts to declare every key in KEYS; keys made at run time cannot be, which is safe only
 * because the hash tag pins them to the same slot).
 *
 * Why buckets keep only the newest `perBand` prompts: the in-memory Detector visits the newest
 * `maxPerBand` (8) matching prompts of each band. Prompts enter a bucket at the newest end and the
 * window removes the globally oldest prompt, which is the oldest in each of its buckets; so the
 * newest 8 of the full bucket are always exactly the capped list, and a capped list costs O(1)
 * to update however many copies of one prompt arrive.
 *
 * Buckets and eviction. Each bucket access is a cache miss in a hash of ~21 fields per live
 * prompt, and they are most of an add's cost: reading the prompt's 21 buckets (one HMGET), writing
 * them (one HSET, warm after the read), and deleting the evicted prompt's. An evicted prompt's
 * bucket only has to go when the prompt is still its newest seq (the older ones left before it);
 * elsewhere the bucket stays for its live prompts. So the add that makes a live prompt p no longer
 * the newest of a bucket marks that band of p in `sp` (p is a candidate of that add, so its record
 * is already read), and eviction deletes exactly the unmarked buckets of the evicted prompt, with
 * no read of them. A marked bucket keeps the evicted seq at its front until its next write drops
 * it; readers skip seqs below head. Which prompts a bucket yields is unchanged: its seqs from head
 * on are the newest <= 8 live prompts of the band, as above.
 */

/**
 * Reads the trailer the ADD script puts after the client's part of an `it` record: the prompt's
 * cluster id in decimal, then one byte = the id's length, + 128 while the prompt is the only one
 * its cluster ever had (the cluster's "solo" prompt). `label(b)` gives the id, the solo flag and
 * the record's length without the trailer; `trailer(id, solo)` builds one.
 */
const LABEL_LUA = `
local function label(b)
  local t = string.byte(b, -1)
  local L = t % 128
  return string.sub(b, -1 - L, -2), t >= 128, #b - L - 1
end
local function trailer(c, solo)
  if solo then return c .. string.char(#c + 128) end
  return c .. string.char(#c)
end
`;

/**
 * ADD: one or more prompts, in order, each as if added alone (the call is atomic as a whole).
 * KEYS: meta bk it cl cs ci sp (cl is unused since layout v3; RESET still deletes it). ARGV:
 * cfg, threshold, perBand, window prompts (-1 none), window ms (-1 none), maxExamples, numPerm,
 * bands, then per prompt: time, flags (1 account), account, text, the prompt's `it` record
 * (built by the caller; its band fields name the buckets, its tail holds time, account and id). Returns [clusterId,
 * clusterSize] per prompt, flat.
 *
 * 1. check the stored parameters (before any write, so a refused call changes nothing);
 * 2. candidates: the union of the band buckets; verified on the stored signatures (fraction of
 *    equal slots >= threshold), most similar first, ties by older seq — the order of
 *    `LshIndex.queryScored`. When all candidates are in one cluster, only whether one passes
 *    matters (the prompt joins that cluster, nothing merges), so verification stops at the
 *    first that passes; a candidate stops being compared once too many slots differ;
 * 3. the prompt joins the first candidate's cluster; every other candidate's cluster is merged
 *    (the larger keeps its id, its smaller partner's members are relabelled: small-to-large);
 * 4. counters and buckets are updated, then prompts beyond the window are evicted, oldest first.
 */
export const ADD_LUA = LABEL_LUA + `
local meta, bk, it, cs, ci, sp = KEYS[1], KEYS[2], KEYS[3], KEYS[5], KEYS[6], KEYS[7]
local base = string.sub(meta, 1, -5)
local cfg = ARGV[1]
local threshold = tonumber(ARGV[2])
local perBand = tonumber(ARGV[3])
local wPrompts = tonumber(ARGV[4])
local wMs = tonumber(ARGV[5])
local maxEx = tonumber(ARGV[6])
local P = tonumber(ARGV[7])
local nb = tonumber(ARGV[8])
local FIX, PER = 8, 5
local SIGB = 4 * P
-- where a record's MessagePack tail [time, account, id] starts
local TAIL = SIGB + nb * 8 + 1
local CH = 1000
-- struct.unpack formats (one C call instead of one per band or slot): the band fields of a
-- record, its signature as u32 slots
local FIELDS = string.rep('c8', nb)
local SLOTS = '<' .. string.rep('I4', P)
local function bandFields(b)
  local t = {struct.unpack(FIELDS, b, SIGB + 1)}
  t[nb + 1] = nil
  return t
end
-- the fewest equal slots that pass (eq / P >= threshold), and the most unequal ones a passing
-- candidate can have: verification stops at one more
local NEED = P + 1
for e = P, 0, -1 do if e / P >= threshold then NEED = e end end
local SLACK = P - NEED
-- seq string -> number, for the seqs read from buckets during this call
local NUM = {}

local m = redis.call('HMGET', meta, 'cfg', 'next', 'head', 'ncl', 'newest')
if m[1] and m[1] ~= cfg then
  return redis.error_reply('NEARDUP_CONFIG prefix ' .. base .. ' holds a detector with ' .. m[1] .. ', this one has ' .. cfg)
end
local nxt = tonumber(m[2] or '0')
local head = tonumber(m[3] or '0')
local ncl = tonumber(m[4] or '0')
local newestS = m[5]
local newest = nil
if newestS then newest = tonumber(newestS) end
local function fmt(n) return string.format('%d', n) end

local function getInfo(c) return cmsgpack.unpack(redis.call('HGET', ci, c)) end
local function putInfo(c, info) redis.call('HSET', ci, c, cmsgpack.pack(info)) end
-- gives a one-prompt cluster its member set, account hash and size entry; its prompt's record
-- loses the solo flag
local function materialize(c, info)
  local s = info[2]
  if s then
    local b = redis.call('HGET', it, s)
    local _, _, n = label(b)
    local r = cmsgpack.unpack(string.sub(b, TAIL, n))
    redis.call('ZADD', base .. 'cm:' .. c, r[1], s)
    if r[2] then redis.call('HSET', base .. 'ca:' .. c, r[2], 1) end
    redis.call('HSET', it, s, string.sub(b, 1, n) .. trailer(c, false))
    redis.call('ZADD', cs, 1, c)
    info[2] = false
  end
end

-- clusters merged away during this prompt: the labels of its candidates were read before
local renamed = {}
local function merge(a, b)
  if a == b then return a end
  -- (a cluster without a size entry is a one-prompt cluster)
  local na = tonumber(redis.call('ZSCORE', cs, a) or '1')
  local nbs = tonumber(redis.call('ZSCORE', cs, b) or '1')
  local small, big = a, b
  if na > nbs then small, big = b, a end
  local si, bi = getInfo(small), getInfo(big)
  materialize(small, si)
  materialize(big, bi)
  local smK, bgK = base .. 'cm:' .. small, base .. 'cm:' .. big
  local mem = redis.call('ZRANGE', smK, 0, -1, 'WITHSCORES')
  local tr = trailer(big, false)
  for i = 1, #mem, 2 * CH do
    local z, seqs = {}, {}
    for k = i, math.min(i + 2 * CH - 1, #mem), 2 do
      z[#z + 1] = mem[k + 1]; z[#z + 1] = mem[k]
      seqs[#seqs + 1] = mem[k]
    end
    redis.call('ZADD', bgK, unpack(z))
    -- relabel: the records' trailers name the new cluster
    local blobs = redis.call('HMGET', it, unpack(seqs))
    local h = {}
    for k = 1, #seqs do
      local _, _, n = label(blobs[k])
      h[#h + 1] = seqs[k]; h[#h + 1] = string.sub(blobs[k], 1, n) .. tr
    end
    redis.call('HSET', it, unpack(h))
  end
  local acc = redis.call('HGETALL', base .. 'ca:' .. small)
  for i = 1, #acc, 2 do redis.call('HINCRBY', base .. 'ca:' .. big, acc[i], acc[i + 1]) end
  redis.call('DEL', smK, base .. 'ca:' .. small)
  local ex = bi[3]
  for i = 1, #si[3] do
    if #ex < maxEx then ex[#ex + 1] = si[3][i] end
  end
  if tonumber(si[1]) > tonumber(bi[1]) then bi[1] = si[1] end
  putInfo(big, bi)
  redis.call('HDEL', ci, small)
  redis.call('ZADD', cs, fmt(na + nbs), big)
  redis.call('ZREM', cs, small)
  renamed[small] = big
  return big
end

-- the window: forget the oldest prompt (seq hs, record blob); returns its cluster and that
-- cluster's live size after
local function evict(hs, blob)
  local c, solo, n = label(blob)
  -- a bucket goes when its newest seq goes (its older seqs went before); where a newer prompt
  -- took this one's place (sp), the bucket stays and this seq is dropped at the next write
  local mask = redis.call('HGET', sp, hs)
  -- (two bands with one field, a 2^-64 chance, name it twice: HDEL skips what is gone)
  local fs = bandFields(blob)
  if mask then
    local dels = {}
    for j = 1, nb do
      if string.byte(mask, j) ~= 49 then dels[#dels + 1] = fs[j] end
    end
    fs = dels
  end
  if #fs > 0 then redis.call('HDEL', bk, unpack(fs)) end
  if mask then redis.call('HDEL', sp, hs) end
  redis.call('HDEL', it, hs)
  if solo then
    -- (a one-prompt cluster has no size entry, member set or account hash)
    redis.call('HDEL', ci, c)
    return c, 0
  end
  local left = tonumber(redis.call('ZINCRBY', cs, -1, c))
  if left <= 0 then
    redis.call('ZREM', cs, c)
    redis.call('HDEL', ci, c)
    redis.call('DEL', base .. 'cm:' .. c, base .. 'ca:' .. c)
  else
    redis.call('ZREM', base .. 'cm:' .. c, hs)
    local acct = cmsgpack.unpack(string.sub(blob, TAIL, n))[2]
    if acct and redis.call('HINCRBY', base .. 'ca:' .. c, acct, -1) <= 0 then redis.call('HDEL', base .. 'ca:' .. c, acct) end
  end
  return c, left
end

local function add(timeS, account, text, rec)
  local time = tonumber(timeS)
  if newest == nil or time > newest then newestS = timeS; newest = time end
  -- candidates from the band buckets: their live seqs (a bucket may still hold seqs below head,
  -- the oldest ones, until it is next written; see "Buckets and eviction" above)
  local fields = bandFields(rec)
  local cur = redis.call('HMGET', bk, unpack(fields))
  local seen, cands, live = {}, {}, {}
  for j = 1, nb do
    local v = cur[j]
    if v then
      local l = {}
      for s in string.gmatch(v, '%d+') do
        local n = NUM[s]
        if not n then n = tonumber(s); NUM[s] = n end
        if n >= head then
          l[#l + 1] = s
          if not seen[s] then seen[s] = true; cands[#cands + 1] = s end
        end
      end
      live[j] = l
    end
  end
  -- verification on the stored signatures (estimated Jaccard = equal slots / numPerm)
  local accepted, blobOf = {}, {}
  if #cands > 0 then
    local q = {struct.unpack(SLOTS, rec)}
    local blobs = redis.call('HMGET', it, unpack(cands))
    -- when every candidate is in one cluster, the prompt joins that cluster if any of them
    -- passes, and nothing is merged: verification stops at the first that passes (in a
    -- campaign, the candidates are mostly the campaign's earlier prompts)
    local one = nil
    for i = 1, #cands do
      local b = blobs[i]
      if b then
        blobOf[cands[i]] = b
        local c = (label(b))
        if one == nil then one = c elseif one ~= c then one = false end
      end
    end
    for i = 1, #cands do
      local b = blobs[i]
      if b then
        local o = {struct.unpack(SLOTS, b)}
        local eq, ne = 0, 0
        for s = 1, P do
          if o[s] == q[s] then eq = eq + 1
          else
            ne = ne + 1
            if ne > SLACK then break end
          end
        end
        if ne <= SLACK then
          accepted[#accepted + 1] = {tonumber(cands[i]), eq, (label(b))}
          if one then break end
        end
      end
    end
    table.sort(accepted, function(a, b)
      if a[2] ~= b[2] then return a[2] > b[2] end
      return a[1] < b[1]
    end)
  end

  renamed = {}
  local cid = nil
  for _, a in ipairs(accepted) do
    -- an earlier merge of this prompt may have relabelled the candidate
    local other = a[3]
    while renamed[other] do other = renamed[other] end
    if cid == nil then cid = other
    elseif other ~= cid then cid = merge(other, cid) end
  end

  -- join
  local seq = fmt(nxt)
  local size
  if cid == nil then
    -- a new cluster of one prompt: its record and cluster info only
    cid = fmt(ncl); ncl = ncl + 1
    redis.call('HSET', it, seq, rec .. trailer(cid, true))
    size = 1
    putInfo(cid, {timeS, seq, maxEx > 0 and {text} or {}})
  else
    redis.call('HSET', it, seq, rec .. trailer(cid, false))
    local info = getInfo(cid)
    local changed = info[2] ~= false
    materialize(cid, info)
    redis.call('ZADD', base .. 'cm:' .. cid, timeS, seq)
    size = tonumber(redis.call('ZINCRBY', cs, 1, cid))
    if account then redis.call('HINCRBY', base .. 'ca:' .. cid, account, 1) end
    if time > tonumber(info[1]) then info[1] = timeS; changed = true end
    local ex = info[3]
    if #ex < maxEx then ex[#ex + 1] = text; changed = true end
    if changed then putInfo(cid, info) end
  end
  -- buckets: the newest perBand - 1 live seqs, then this one. Where this prompt follows a live
  -- seq p as the newest of a bucket, p's bands with that field are marked superseded in sp
  -- (two bands with one field, a 2^-64 chance, write the same value twice)
  local hset, sup, supL = {}, {}, {}
  for j = 1, nb do
    local f, l = fields[j], live[j]
    local v = seq
    if l and #l > 0 then
      v = table.concat(l, ',', math.max(1, #l - perBand + 2)) .. ',' .. seq
      local p = l[#l]
      if not sup[p] then sup[p] = {}; supL[#supL + 1] = p end
      sup[p][f] = true
    end
    hset[2 * j - 1] = f; hset[2 * j] = v
  end
  redis.call('HSET', bk, unpack(hset))
  if #supL > 0 then
    local old = redis.call('HMGET', sp, unpack(supL))
    local put = {}
    for i = 1, #supL do
      local p = supL[i]
      local b, fs = blobOf[p], sup[p]
      if b then
        local mk, bf = {}, bandFields(b)
        for k = 1, nb do
          local bit = '0'
          if old[i] and string.byte(old[i], k) == 49 then bit = '1'
          elseif fs[bf[k]] then bit = '1' end
          mk[k] = bit
        end
        put[#put + 1] = p; put[#put + 1] = table.concat(mk)
      end
    end
    if #put > 0 then redis.call('HSET', sp, unpack(put)) end
  end
  nxt = nxt + 1

  while nxt > head do
    local hs = fmt(head)
    local blob = nil
    local over = wPrompts >= 0 and nxt - head > wPrompts
    if not over and wMs >= 0 then
      blob = redis.call('HGET', it, hs)
      if blob then
        local _, _, n = label(blob)
        over = tonumber(cmsgpack.unpack(string.sub(blob, TAIL, n))[1]) < newest - wMs
      end
    end
    if not over then break end
    if not blob then blob = redis.call('HGET', it, hs) end
    if blob then
      local c, left = evict(hs, blob)
      if c == cid then size = left end
    end
    head = head + 1
  end
  return tonumber(cid), size
end

local out = {}
for o = FIX, #ARGV - 1, PER do
  local account = false
  if tonumber(ARGV[o + 2]) % 2 == 1 then account = ARGV[o + 3] end
  local c, size = add(ARGV[o + 1], account, ARGV[o + 4], ARGV[o + 5])
  out[#out + 1] = c; out[#out + 1] = size
end

local mset = {'next', fmt(nxt), 'head', fmt(head), 'ncl', fmt(ncl)}
if newestS ~= m[5] then mset[7] = 'newest'; mset[8] = newestS end
if not m[1] then mset[#mset + 1] = 'cfg'; mset[#mset + 1] = cfg end
redis.call('HSET', meta, unpack(mset))
return out
`;

/**
 * CAMPAIGN: one cluster, read atomically. KEYS: meta cs ci it. ARGV: cluster id, "1" to include
 * the member seqs, numPerm, bands. Returns false for an unknown id, else [size, firstSeen,
 * lastSeen, account counts (flat), examples (JSON), members].
 */
export const CAMPAIGN_LUA = LABEL_LUA + `
local meta, cs, ci, it = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local base = string.sub(meta, 1, -5)
local cid = ARGV[1]
local rec = redis.call('HGET', ci, cid)
if not rec then return false end
local info = cmsgpack.unpack(rec)
local size, first, acc, members
if info[2] then
  -- a one-prompt cluster: no size entry, member set or account hash
  local skip = 4 * tonumber(ARGV[3]) + 8 * tonumber(ARGV[4]) + 1
  local b = redis.call('HGET', it, info[2])
  local _, _, n = label(b)
  local r = cmsgpack.unpack(string.sub(b, skip, n))
  size = 1
  first = r[1]
  acc = {}
  if r[2] then acc = {r[2], '1'} end
  members = {info[2]}
else
  size = redis.call('ZSCORE', cs, cid)
  first = redis.call('ZRANGE', base .. 'cm:' .. cid, 0, 0, 'WITHSCORES')[2] or '0'
  acc = redis.call('HGETALL', base .. 'ca:' .. cid)
  members = {}
  if ARGV[2] == '1' then members = redis.call('ZRANGE', base .. 'cm:' .. cid, 0, -1) end
end
return {size, first, info[1], acc, cjson.encode(info[3]), members}
`;

/**
 * MEMBERS: the live seqs of a cluster, ascending, and the caller's id of each (false where none).
 * KEYS: meta it ci. ARGV: cluster id, numPerm, bands.
 */
export const MEMBERS_LUA = LABEL_LUA + `
local meta, it, ci = KEYS[1], KEYS[2], KEYS[3]
local base = string.sub(meta, 1, -5)
local skip = 4 * tonumber(ARGV[2]) + 8 * tonumber(ARGV[3]) + 1
local rec = redis.call('HGET', ci, ARGV[1])
if not rec then return {{}, {}} end
local solo = cmsgpack.unpack(rec)[2]
local seqs
if solo then seqs = {solo} else seqs = redis.call('ZRANGE', base .. 'cm:' .. ARGV[1], 0, -1) end
if #seqs == 0 then return {{}, {}} end
table.sort(seqs, function(a, b) return tonumber(a) < tonumber(b) end)
local ids = {}
for i = 1, #seqs, 1000 do
  local part = {}
  for k = i, math.min(i + 999, #seqs) do part[#part + 1] = seqs[k] end
  local blobs = redis.call('HMGET', it, unpack(part))
  for k = 1, #blobs do
    local id = false
    if blobs[k] then
      local _, _, n = label(blobs[k])
      id = cmsgpack.unpack(string.sub(blobs[k], skip, n))[3]
    end
    ids[#ids + 1] = id
  end
end
return {seqs, ids}
`;

/**
 * RESET: deletes every key of the detector (all of them are named from the hash tag, so no SCAN
 * is needed; `cl` is there for prefixes written by layout v2). KEYS: meta bk it cl cs ci sp.
 * Blocks Redis for time proportional to the clusters.
 */
export const RESET_LUA = `
local base = string.sub(KEYS[1], 1, -5)
local ids = redis.call('ZRANGE', KEYS[5], 0, -1)
for i = 1, #ids do redis.call('DEL', base .. 'cm:' .. ids[i], base .. 'ca:' .. ids[i]) end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7])
return #ids
`;
