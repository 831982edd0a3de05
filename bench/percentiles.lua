-- Adds the 95th percentile to wrk's latency distribution (--latency prints
-- 50, 75, 90 and 99), in the same form, so that bench/run's summary reads it
-- like the others. Used alone (-s bench/percentiles.lua) or loaded by the
-- other scripts.
function done(summary, latency, requests)
   local us = latency:percentile(95)
   if us >= 1000000 then
      io.write(string.format("     95%%    %.2fs\n", us / 1000000))
   elseif us >= 1000 then
      io.write(string.format("     95%%    %.2fms\n", us / 1000))
   else
      io.write(string.format("     95%%    %.2fus\n", us))
   end
end
