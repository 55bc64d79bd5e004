-- wrk script (bench/load.sh): each request is the caseload list or a client page, half and half,
-- with the session cookie of a logged-in diensthoofd; prints p50/p95/p99 and the errors.
local ids = {}
for id in string.gmatch(os.getenv("CLIENT_IDS") or "", "%d+") do ids[#ids + 1] = id end
local counter = 0
local think = tonumber(os.getenv("THINK_MS") or "0")

-- With THINK_MS, each connection is a person who reads the page for 0.5x to 1.5x that long.
if think > 0 then
  delay = function() return math.random(math.floor(think / 2), math.floor(think * 3 / 2)) end
end

request = function()
  counter = counter + 1
  local path = "/clienten/"
  if counter % 2 == 0 and #ids > 0 then
    path = "/clienten/" .. ids[math.random(#ids)] .. "/"
  end
  return wrk.format("GET", path, {["Cookie"] = "sessionid=" .. os.getenv("SESSION_ID"), ["Host"] = "127.0.0.1"})
end

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format("requests: %d in %.1f s (%.1f/s)\n", summary.requests, summary.duration / 1e6,
    summary.requests / (summary.duration / 1e6)))
  io.write(string.format("latency p50 %.0f ms, p95 %.0f ms, p99 %.0f ms, max %.0f ms\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("errors: %d (non-2xx/3xx %d, timeouts %d, connect %d, read %d, write %d)\n", errors,
    summary.errors.status, summary.errors.timeout, summary.errors.connect, summary.errors.read, summary.errors.write))
end
