-- GET one existing ConfigMap from Tack (NAME, default bench-get).
package.path = os.getenv("BENCH_WRK_DIR") .. "/?.lua;" .. package.path
local common = require("common")

setup = common.setup
done = common.done

local req
init = function(args)
  local name = os.getenv("BENCH_GET_NAME") or "bench-get"
  req = wrk.format("GET", "/api/v1/namespaces/default/configmaps/" .. name,
    { ["Authorization"] = "Bearer " .. (os.getenv("TACK_TOKEN") or ""), ["Accept"] = "application/json" })
end

request = function() return req end
