-- wrk script: every connection issues POST /api/v1/tickets with a kiosk's token.
--   ANTRE_TOKEN=... wrk -t2 -c8 -d10s --latency -s bench/wrk/issue.lua http://127.0.0.1:PORT
wrk.method = "POST"
wrk.path = "/api/v1/tickets"
wrk.body = '{"service": "' .. (os.getenv("ANTRE_SERVICE") or "KTP") .. '", "channel": "kiosk"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("ANTRE_TOKEN") or "none")

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
