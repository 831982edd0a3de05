-- POSTs one file as a browser form (multipart/form-data) to tickets drawn
-- uniformly from [lo, hi], as bench/get_ticket.lua reads them, so that no
-- ticket fills up. bench/run writes the body and names it, with its
-- boundary, in the environment.
dofile("bench/get_ticket.lua")

local f = assert(io.open(os.getenv("PD_BENCH_UPLOAD_BODY") or error("PD_BENCH_UPLOAD_BODY is not set"), "rb"))
local body = f:read("*a")
f:close()
local content_type = "multipart/form-data; boundary=" .. os.getenv("PD_BENCH_UPLOAD_BOUNDARY")
local headers

function request()
   -- wrk.format takes these headers instead of wrk.headers: the -H ones
   -- (credentials, Origin) are copied in once
   if not headers then
      headers = { ["Content-Type"] = content_type }
      for name, value in pairs(wrk.headers) do headers[name] = value end
   end
   return wrk.format("POST", "/api/tickets/" .. math.random(lo, hi) .. "/attachments", headers, body)
end
