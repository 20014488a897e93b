-- wrk script: each request reserves one unit of a random SKU under a fresh order id (PUT /v1/orders/{id}).
-- Usage: wrk -t2 -c64 -d20s -s benchmarks/wrk/reserve.lua http://127.0.0.1:8080 [-- <skus> <pipeline depth> [<seed>]]
--
-- Order ids are w-<run>-<thread>-<n>: <run> is new every run (the time, and random bytes when /dev/urandom can be
-- read, so two runs started in the same second differ too), <thread> is set per thread in setup(). wrk gives every
-- thread a Lua state of its own with the same fixed random seed, so ids drawn from math.random alone repeat across
-- threads and runs, and the engine answers a repeated id as an idempotent replay that reserves nothing.
-- The SKUs are random, each thread's generator seeded with <seed> (default: the time) plus the thread's number; the
-- seed is printed at the end, and passing it again repeats each thread's SKUs while the order ids stay fresh.
-- The answers are counted by kind and printed at the end, so a run shows what it measured. Defining response() makes
-- wrk parse every answer's headers, which costs the client some CPU.

-- Globals, not locals: thread:set() and thread:get() reach only a thread's globals.
thread_id = 0
run_id = ""
default_seed = 0
seed = 0
fresh = 0
replayed = 0
conflict = 0
unavailable = 0
other = 0

local skus = 10000
local depth = 1
local counter = 0

-- setup() and done() run in wrk's main Lua state, which sees every thread through the objects setup() is given.
local threads = {}

local function random_run_id()
  local stamp = string.format("%d", os.time())
  local urandom = io.open("/dev/urandom", "rb")
  if urandom == nil then
    return stamp
  end
  local bytes = urandom:read(4)
  urandom:close()
  if bytes == nil or #bytes < 4 then
    return stamp
  end
  return stamp .. string.format("%02x%02x%02x%02x", bytes:byte(1, 4))
end

local main_run_id = nil
local main_seed = nil

-- The run id and the default seed are taken once, here, so every thread shares them.
function setup(thread)
  if main_run_id == nil then
    main_run_id = random_run_id()
    main_seed = os.time()
  end
  table.insert(threads, thread)
  thread:set("thread_id", #threads)
  thread:set("run_id", main_run_id)
  thread:set("default_seed", main_seed)
end

function init(args)
  skus = tonumber(args[1] or "10000")
  depth = tonumber(args[2] or "1")
  seed = default_seed
  if args[3] ~= nil then
    seed = tonumber(args[3])
    if seed == nil then
      error("reserve.lua: the seed must be a number, not " .. args[3])
    end
  end
  math.randomseed(seed + thread_id)
end

local function one()
  counter = counter + 1
  local sku = "SKU-" .. math.random(0, skus - 1)
  local body = '{"channel":"web","lines":[{"sku":"' .. sku .. '","quantity":1,"location":"WH1"}]}'
  local path = string.format("/v1/orders/w-%s-%d-%d", run_id, thread_id, counter)
  return wrk.format("PUT", path, {["Content-Type"] = "application/json"}, body)
end

function request()
  if depth == 1 then
    return one()
  end
  local batch = {}
  for i = 1, depth do
    batch[i] = one()
  end
  return table.concat(batch)
end

function response(status, headers, body)
  if status == 201 then
    -- Header names reach the script as the server spelled them; the engine sends this one capitalised.
    local replay = headers["Idempotent-Replayed"] or headers["idempotent-replayed"]
    if replay == "true" then
      replayed = replayed + 1
    else
      fresh = fresh + 1
    end
  elseif status == 409 then
    conflict = conflict + 1
  elseif status == 503 then
    unavailable = unavailable + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local totals = {fresh = 0, replayed = 0, conflict = 0, unavailable = 0, other = 0}
  for _, thread in ipairs(threads) do
    for name, _ in pairs(totals) do
      totals[name] = totals[name] + thread:get(name)
    end
  end
  local answered = totals.fresh + totals.replayed + totals.conflict + totals.unavailable + totals.other
  io.write(string.format("reserve.lua: run %s, seed %d (thread n seeds its SKUs with seed + n)\n", main_run_id,
    threads[1]:get("seed")))
  io.write(string.format("reserve.lua: %d answers: %d reserved (201), %d replayed (201, Idempotent-Replayed), " ..
    "%d refused (409), %d overloaded or unavailable (503), %d other\n", answered, totals.fresh, totals.replayed,
    totals.conflict, totals.unavailable, totals.other))
  if totals.fresh * 2 < answered then
    io.write("reserve.lua: WARNING fewer than half the answers reserved anything: the requests/s above are not " ..
      "reservations/s\n")
  end
end
