-- Read one existing key from etcd through its JSON gateway (/v3/kv/range). Linearizable by default, as
-- kube-apiserver's reads; BENCH_SERIALIZABLE=1 asks for a serializable (local) read instead.
package.path = os.getenv("BENCH_WRK_DIR") .. "/?.lua;" .. package.path
local common = require("common")

setup = common.setup
done = common.done

local req
init = function(args)
  local key = common.base64("/registry/configmaps/default/" .. (os.getenv("BENCH_GET_NAME") or "bench-get"))
  local serializable = os.getenv("BENCH_SERIALIZABLE") == "1" and ',"serializable":true' or ""
  req = wrk.format("POST", "/v3/kv/range", { ["Content-Type"] = "application/json" },
    '{"key":"' .. key .. '"' .. serializable .. '}')
end

request = function() return req end
