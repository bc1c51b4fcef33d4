-- wrk script for bench/api-list.sh's mixed rows: clients that edit problems (a progress note on an
-- open problem, which moves the data generation like any write) at BENCH_WRITES_PER_SEC in all,
-- spread over wrk's connections (BENCH_CONNECTIONS), while the read clients run bench/list.lua.
local token = os.getenv("BENCH_TOKEN")
local per_sec = tonumber(os.getenv("BENCH_WRITES_PER_SEC") or "100")
local connections = tonumber(os.getenv("BENCH_CONNECTIONS") or "1")
local ids = {}
for id in string.gmatch(os.getenv("BENCH_EDIT_IDS") or "1", "%d+") do ids[#ids + 1] = id end
local n = 0

request = function()
  n = n + 1
  local id = ids[(n % #ids) + 1]
  local body = '{"body":"基准测试进展 ' .. n .. '"}'
  return wrk.format("POST", "/api/v1/problems/" .. id .. "/notes",
    { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }, body)
end

response = function(status, headers, body)
  if status ~= 200 and status ~= 201 then
    io.stderr:write("unexpected status " .. status .. "\n")
  end
end

-- Each connection waits its share of the interval (the request's own time comes on top, so the
-- rate reached is at most the one asked for: the report gives the rate reached).
delay = function()
  return math.floor(1000 * connections / per_sec)
end
