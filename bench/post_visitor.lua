-- POSTs a walk-in visitor to the URL given to wrk (bench/run uses
-- /api/visitors), each request with an Idempotency-Key of its own, as the
-- front desk's page sends one per check-in: every request opens a case.
-- The body names a unit whose id only bench/run knows after loading, so it
-- arrives through the environment.
dofile("bench/percentiles.lua")

local body = os.getenv("PD_BENCH_VISITOR_BODY") or error("PD_BENCH_VISITOR_BODY is not set")
local headers
local n = 0
local prefix

function request()
   if not headers then
      -- wrk.format takes these headers instead of wrk.headers: the -H ones
      -- (credentials, Origin) are copied in once
      headers = { ["Content-Type"] = "application/json" }
      for name, value in pairs(wrk.headers) do headers[name] = value end
      math.randomseed(os.time() + math.floor(os.clock() * 1000000))
      prefix = string.format("bench-%d-%08x", os.time(), math.random(0, 0x7fffffff))
   end
   n = n + 1
   headers["Idempotency-Key"] = prefix .. "-" .. n
   return wrk.format("POST", wrk.path, headers, body)
end
