-- wrk script of deploy/bench/run for the time to steady rate: counts the 200 answers completed in
-- each wall-clock second (os.time) per thread, and prints "second <epoch> <count>" lines at the end.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  counts = {}
end

function response(status, headers, body)
  if status == 200 then
    local s = os.time()
    counts[s] = (counts[s] or 0) + 1
  end
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for s, n in pairs(thread:get("counts")) do
      total[s] = (total[s] or 0) + n
    end
  end
  for s, n in pairs(total) do
    io.write(string.format("second %d %d\n", s, n))
  end
end
