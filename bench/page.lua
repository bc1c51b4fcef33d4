-- wrk script for bench/page-list.sh: the problem list page (HTML) filtered by one lead unit and one
-- status, signed in as the office with the session and CSRF cookies of one browser.
local cookie = os.getenv("BENCH_COOKIE")
local units = {}
for id in string.gmatch(os.getenv("BENCH_UNITS") or "2", "%d+") do units[#units + 1] = id end
local statuses = { "assigned", "submitted", "new", "closed" }
local n = 0

request = function()
  n = n + 1
  local unit = units[(n % #units) + 1]
  local status = statuses[(math.floor(n / #units) % #statuses) + 1]
  return wrk.format("GET", "/problems?unit_id=" .. unit .. "&status=" .. status, { ["Cookie"] = cookie })
end

response = function(status, headers, body)
  if status ~= 200 then
    io.stderr:write("unexpected status " .. status .. "\n")
  end
end
