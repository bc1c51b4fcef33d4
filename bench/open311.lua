-- wrk script for bench/open311-intake.sh: each request posts the next message of BENCH_MESSAGES
-- (one per line) — as an Open311 `POST requests.json` form with BENCH_API_KEY and
-- BENCH_SERVICE_CODE, or, with BENCH_PEER=baisitong2, as baisitong2's `POST /api/appeals` JSON.
local messages = {}
local peer = os.getenv("BENCH_PEER") or ""
local key = os.getenv("BENCH_API_KEY") or ""
local code = os.getenv("BENCH_SERVICE_CODE") or ""
local n = 0
local thread_offset = 0
local unexpected = 0

local function urlencode(s)
  return (string.gsub(s, "[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local function jsonstring(s)
  s = string.gsub(s, '[%c"\\]', function(c)
    if c == '"' then return '\\"' elseif c == "\\" then return "\\\\" else return string.format("\\u%04x", string.byte(c)) end
  end)
  return '"' .. s .. '"'
end

local counter = 0
setup = function(thread)
  counter = counter + 1
  thread:set("thread_offset", counter * 100003)
end

init = function(args)
  for line in io.lines(os.getenv("BENCH_MESSAGES")) do
    if #line > 0 then messages[#messages + 1] = line end
  end
end

request = function()
  n = n + 1
  local text = messages[((thread_offset + n) % #messages) + 1]
  if peer == "baisitong2" then
    return wrk.format("POST", "/api/appeals", { ["Content-Type"] = "application/json" },
      '{"content":' .. jsonstring(text) .. ',"source":"居民上报"}')
  end
  local body = "api_key=" .. urlencode(key) .. "&service_code=" .. urlencode(code)
    .. "&address_string=" .. urlencode("和平路12号") .. "&description=" .. urlencode(text)
  return wrk.format("POST", "/open311/v2/requests.json",
    { ["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8" }, body)
end

response = function(status, headers, body)
  if status ~= 200 and status ~= 201 then
    unexpected = unexpected + 1
    if unexpected <= 3 then io.stderr:write("unexpected status " .. status .. ": " .. string.sub(body, 1, 200) .. "\n") end
  end
end

done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d duration_us=%d rps=%.1f p50_ms=%.2f p99_ms=%.2f errors=%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
