-- GET /api/tickets/{id} as bench/get_ticket.lua, each connection waiting
-- its delay (the last script argument, in milliseconds) between requests:
-- a steady load of connections x 1000 / delay requests per second, beside
-- work whose own speed is measured (the notifications' sending), rather
-- than all the machine can answer.
dofile("bench/get_ticket.lua")

local pause = 100

local get_ticket_init = init
function init(args)
   get_ticket_init(args)
   pause = tonumber(args[3]) or pause
end

function delay()
   return pause
end
