-- wrk script for bench/tracker/run.sh: HTTP announces (BEP 3, compact) that re-announce the peers which
-- UdpAnnounceLoad's "populate" put in the tracker, so the tracker's memory stays put while it is measured.
-- Info-hash i is the 4-byte big-endian i followed by "hivebt-benchmark"; peer p of a swarm announces port 10000+p.
--   SWARMS, PEERS_PER_SWARM  sizes used by populate (defaults 100000, 10)
--   CLOSE=1                  send "Connection: close" (one TCP connection per announce, like opentracker forces)
local swarms = tonumber(os.getenv("SWARMS")) or 100000
local peers = tonumber(os.getenv("PEERS_PER_SWARM")) or 10
local headers = {}
if os.getenv("CLOSE") == "1" then
   headers["Connection"] = "close"
end
local threads = 0

function setup(thread)
   thread:set("tid", threads)
   threads = threads + 1
end

function init(args)
   math.randomseed(4242 + (tid or 0))
end

local function byte(v, shift)
   return bit.band(bit.rshift(v, shift), 255)
end

function request()
   local item = math.random(0, swarms * peers - 1)
   local s = math.floor(item / peers)
   local p = item % peers
   local ih = string.format("%%%02X%%%02X%%%02X%%%02X", byte(s, 24), byte(s, 16), byte(s, 8), byte(s, 0))
   local left = "1000"
   if p == 0 then
      left = "0"
   end
   local path = "/announce?info_hash=" .. ih .. "hivebt-benchmark&peer_id=-BENCH-" .. string.format("%013d", item)
      .. "&port=" .. (10000 + p) .. "&uploaded=0&downloaded=0&left=" .. left .. "&compact=1&numwant=50"
   return wrk.format("GET", path, headers)
end
