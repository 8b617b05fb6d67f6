-- wrk script: each request's URI is drawn from a Zipf popularity (s = 1) over $ZIPF_PAGES pages,
-- $ZIPF_TEMPLATE with {} replaced by the page number (1 is the most popular), as pscgi-load's
-- --zipf does for direct runs. The run's summary is written as JSON by wrk_json.lua (loaded from
-- $WRK_JSON_LUA).
local pages = assert(tonumber(os.getenv("ZIPF_PAGES")), "ZIPF_PAGES must be a number")
local template = assert(os.getenv("ZIPF_TEMPLATE"), "ZIPF_TEMPLATE is not set")

-- cumulative[k]: the probability of pages 1..k. requests[k]: page k's request, built once.
local cumulative, requests = {}, {}

init = function(args)
  local total = 0
  for k = 1, pages do total = total + 1 / k end
  local sum = 0
  for k = 1, pages do
    sum = sum + 1 / k
    cumulative[k] = sum / total
    local path = template:gsub("{}", tostring(k))
    requests[k] = wrk.format("GET", path)
  end
  cumulative[pages] = 1
  math.randomseed(20261207)
end

-- The smallest k with cumulative[k] >= u: a binary search, about 10 steps for 1000 pages.
request = function()
  local u = math.random()
  local lo, hi = 1, pages
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if cumulative[mid] < u then lo = mid + 1 else hi = mid end
  end
  return requests[lo]
end

dofile(assert(os.getenv("WRK_JSON_LUA"), "WRK_JSON_LUA is not set"))
