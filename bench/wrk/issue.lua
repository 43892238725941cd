-- wrk script: every connection issues POST /api/v1/tickets with a kiosk's token.
--   ANTRE_TOKEN=... wrk -t2 -c8 -d10s --latency -s bench/wrk/issue.lua http://127.0.0.1:PORT
-- With ANTRE_PORTS="5001,5002" wrk's threads take turns over those server processes on
-- 127.0.0.1 (give as many threads as ports), whatever port the URL names.
wrk.method = "POST"
wrk.path = "/api/v1/tickets"
wrk.body = '{"service": "' .. (os.getenv("ANTRE_SERVICE") or "KTP") .. '", "channel": "kiosk"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("ANTRE_TOKEN") or "none")

local addresses = {}
for port in string.gmatch(os.getenv("ANTRE_PORTS") or "", "%d+") do
  table.insert(addresses, wrk.lookup("127.0.0.1", port)[1])
end
local threads = 0

function setup(thread)
  if #addresses > 0 then
    thread.addr = addresses[(threads % #addresses) + 1]
    threads = threads + 1
  end
end

errors = 0
response = function(status, headers, body)
  if status ~= 201 then errors = errors + 1 end
end

done = function(summary, latency, requests)
  io.write(string.format("JSON {\"requests\": %d, \"seconds\": %.3f, \"p50_ms\": %.2f, " ..
    "\"p99_ms\": %.2f, \"max_ms\": %.2f, \"non_2xx\": %d}\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, summary.errors.status))
end
