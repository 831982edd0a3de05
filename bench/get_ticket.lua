-- GET /api/tickets/{id} with ids drawn uniformly from [lo, hi] (the script
-- arguments), so the benchmark reads across the whole table rather than
-- timing one row that stays hot in every cache.
dofile("bench/percentiles.lua")

local threads = 0

function setup(thread)
   threads = threads + 1
   thread:set("thread_no", threads)
end

-- global: bench/upload.lua draws its tickets the same way
lo, hi = 1, 1

function init(args)
   lo = tonumber(args[1]) or 1
   hi = tonumber(args[2]) or lo
   -- each thread has its own Lua state: without distinct seeds both threads
   -- would request the same sequence of ids
   math.randomseed(os.time() * 100 + (thread_no or 0))
end

function request()
   return wrk.format("GET", "/api/tickets/" .. math.random(lo, hi))
end
