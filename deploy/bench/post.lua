-- wrk script of deploy/bench/run: POSTs the Dataverse-shaped record in $BENCH_POST_BODY (the run
-- script points it at deploy/bench/lead.json) to the echo endpoint, which answers with that body.
local path = os.getenv("BENCH_POST_BODY") or "lead.json"
local file = assert(io.open(path, "rb"), "cannot read " .. path)
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Prefer"] = "return=representation"
