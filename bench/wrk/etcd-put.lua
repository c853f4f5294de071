-- PUT a new key per request to etcd through its JSON gateway; the value is the same ConfigMap JSON.
package.path = os.getenv("BENCH_WRK_DIR") .. "/?.lua;" .. package.path
local common = require("common")

setup = common.setup
done = common.done

local n = 0
local headers = { ["Content-Type"] = "application/json" }

request = function()
  n = n + 1
  local name = "bench-" .. common.run .. "-" .. tostring(thread_id or 0) .. "-" .. n
  local key = common.base64("/registry/configmaps/default/" .. name)
  local value = common.base64(common.configmap(name))
  return wrk.format("POST", "/v3/kv/put", headers, '{"key":"' .. key .. '","value":"' .. value .. '"}')
end
