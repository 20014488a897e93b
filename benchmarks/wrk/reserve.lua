-- wrk script: each request reserves one unit of a random SKU under a fresh order id (PUT /v1/orders/{id}).
-- Usage: wrk -t2 -c64 -d20s -s benchmarks/wrk/reserve.lua http://127.0.0.1:8080 [-- <skus> <pipeline depth>]
local counter = 0
local skus = 10000
local depth = 1

function init(args)
  skus = tonumber(args[1] or "10000")
  depth = tonumber(args[2] or "1")
  counter = math.random(1, 1000000000) * 1000
end

local function one()
  counter = counter + 1
  local sku = "SKU-" .. math.random(0, skus - 1)
  local body = '{"channel":"web","lines":[{"sku":"' .. sku .. '","quantity":1,"location":"WH1"}]}'
  return wrk.format("PUT", "/v1/orders/w-" .. counter, {["Content-Type"] = "application/json"}, body)
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
