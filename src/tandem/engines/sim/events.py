"""Event kinds of the human loop (heap entries are (time, seq, kind, a, b)), offer answers, and the states a
conversation moves through in it (shared by the human stage and the workforce, which reads them)."""

ABANDON, ANSWER, FINISH, LOGIN, LOGOUT, TICK = range(6)
ACCEPTED, DECLINED, EXPIRED = range(3)
WAITING, OFFERED, WITH_HUMAN, DONE, ABANDONED = range(5)
