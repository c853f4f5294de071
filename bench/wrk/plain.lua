-- A plain GET (the URL and headers given on wrk's command line) with the RESULT line the scripts parse.
package.path = os.getenv("BENCH_WRK_DIR") .. "/?.lua;" .. package.path
local common = require("common")

done = common.done
