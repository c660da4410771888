"""Event kinds of the human loop (heap entries are (time, seq, kind, a, b))."""

ABANDON, ANSWER, FINISH, LOGIN, LOGOUT, TICK = range(6)
ACCEPTED, DECLINED, EXPIRED = range(3)
