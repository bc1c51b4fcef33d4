-- wrk script for bench/api-list.sh: GET /api/v1/problems filtered by one lead unit and one status,
-- 50 per page, cycling through the departments and the open statuses, as the office (read token).
local token = os.getenv("BENCH_TOKEN")
local units = {}
for id in string.gmatch(os.getenv("BENCH_UNITS") or "2", "%d+") do units[#units + 1] = id end
local statuses = { "assigned", "submitted", "new", "closed" }
local n = 0

request = function()
  n = n + 1
  local unit = units[(n % #units) + 1]
  local status = statuses[(math.floor(n / #units) % #statuses) + 1]
  local path = "/api/v1/problems?unit_id=" .. unit .. "&status=" .. status .. "&limit=50"
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end

response = function(status, headers, body)
  if status ~= 200 then
    io.stderr:write("unexpected status " .. status .. "\n")
  end
end
