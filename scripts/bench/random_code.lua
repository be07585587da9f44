-- wrk script: each request asks for a random annotation code from the seeded list.
-- Usage: wrk -s random_code.lua <url-prefix> -- <codes-file>
local codes = {}

function init(args)
  for line in io.lines(args[1]) do
    codes[#codes + 1] = line
  end
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

function request()
  local path = wrk.path .. codes[math.random(#codes)]
  return wrk.format("GET", path)
end
