-- Shared helpers for the wrk scripts in this folder (LuaJIT, as wrk embeds it).
local bit = require("bit")

local M = {}

local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

-- Standard base64 (etcd's JSON gateway takes keys and values as base64 of the bytes).
function M.base64(s)
  local out = {}
  for i = 1, #s, 3 do
    local a, b, c = s:byte(i, i + 2)
    local n = bit.bor(bit.lshift(a, 16), bit.lshift(b or 0, 8), c or 0)
    local c1 = bit.band(bit.rshift(n, 18), 63) + 1
    local c2 = bit.band(bit.rshift(n, 12), 63) + 1
    local c3 = bit.band(bit.rshift(n, 6), 63) + 1
    local c4 = bit.band(n, 63) + 1
    out[#out + 1] = alphabet:sub(c1, c1) .. alphabet:sub(c2, c2)
      .. (b and alphabet:sub(c3, c3) or "=") .. (c and alphabet:sub(c4, c4) or "=")
  end
  return table.concat(out)
end

-- The object both servers store: a small ConfigMap as JSON (about 300 bytes). Tack receives it as the
-- request body; etcd receives the same bytes as the value.
function M.configmap(name)
  return '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"' .. name .. '",'
    .. '"labels":{"app.kubernetes.io/name":"bench","app.kubernetes.io/part-of":"tack-bench"}},'
    .. '"data":{"LOG_LEVEL":"info","FEATURE_FLAGS":"checkout,search,recommendations",'
    .. '"config.yaml":"server:\\n  port: 8080\\n  timeout: 30s\\nstorage:\\n  path: /var/lib/app\\n  retention: 7d\\n"}}'
end

-- A prefix unique to this run (BENCH_RUN) so that repeated runs never collide on a key.
M.run = os.getenv("BENCH_RUN") or tostring(os.time())

-- Thread numbering: wrk calls setup() once per thread in the main Lua state.
local counter = 0
function M.setup(thread)
  counter = counter + 1
  thread:set("thread_id", counter)
end

-- One machine-readable line per run, parsed by control-plane.sh.
function M.done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT requests=%d rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f errors=%d non2xx=%d\n",
    summary.requests, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, errors, summary.errors.status))
end

return M
