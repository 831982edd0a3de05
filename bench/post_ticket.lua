-- POSTs to the URL given to wrk (bench/run uses /api/tickets). The body
-- names real pharmacy, module and category ids, which only bench/run knows
-- after loading, so it arrives through the environment.
dofile("bench/percentiles.lua")

wrk.method = "POST"
wrk.body = os.getenv("PD_BENCH_BODY") or error("PD_BENCH_BODY is not set")
wrk.headers["Content-Type"] = "application/json"
