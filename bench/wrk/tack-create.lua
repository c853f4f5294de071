-- POST a new ConfigMap per request to Tack (unique names), HTTPS with the admin bearer token.
package.path = os.getenv("BENCH_WRK_DIR") .. "/?.lua;" .. package.path
local common = require("common")

setup = common.setup
done = common.done

local n = 0
local headers = {
  ["Content-Type"] = "application/json",
  ["Authorization"] = "Bearer " .. (os.getenv("TACK_TOKEN") or ""),
}
local path = "/api/v1/namespaces/default/configmaps"

request = function()
  n = n + 1
  local name = "bench-" .. common.run .. "-" .. tostring(thread_id or 0) .. "-" .. n
  return wrk.format("POST", path, headers, common.configmap(name))
end
