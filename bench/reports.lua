-- GET /api/reports/{volume,times,sla,staff,csat} in turn over one range
-- and grouping (the script arguments: from, to, group_by; the staff
-- report per expert), so that a run measures the reports a manager's page
-- asks for together.
dofile("bench/percentiles.lua")

local paths = {}
local n = 0

function init(args)
   local q = "?from=" .. args[1] .. "&to=" .. args[2]
   local by = "&group_by=" .. (args[3] or "month")
   paths = {
      "/api/reports/volume" .. q .. by,
      "/api/reports/times" .. q .. by,
      "/api/reports/sla" .. q .. by,
      "/api/reports/staff" .. q .. "&group_by=expert",
      "/api/reports/csat" .. q .. by,
   }
end

function request()
   n = n + 1
   return wrk.format("GET", paths[(n % #paths) + 1])
end
