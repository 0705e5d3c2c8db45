"""Session activity tracking, throttled.

allauth's UserSessionsMiddleware records every request of a signed-in user (a transaction with a read and
an UPDATE of the UserSession row: four statements and a commit per page). The sessions page only shows
when a session was last seen, and allauth creates the row at sign-in whatever this does, so recording the
activity once per USERSESSIONS_ACTIVITY_INTERVAL per session is enough: the cost is that "last seen", the
IP address and the browser shown for a session are up to that long (plus a few seconds) behind.
"""

import time

from allauth.usersessions.internal import usersessionkit
from django.conf import settings
from django.core.cache import cache

ACTIVITY_KEY = "usersessions:activity:{}"
# Per process: when this process may next try to record a session, so most requests skip even the
# round trip to Redis. After another process recorded it, try again in a few seconds.
_next_try: dict[str, float] = {}
RETRY_AFTER_OTHERS = 10


class ThrottledUserSessionsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        # The session key first: an anonymous visitor without a session costs nothing, not even the user.
        key = session.session_key if session is not None else None
        if key and request.user.is_authenticated:
            interval = settings.USERSESSIONS_ACTIVITY_INTERVAL
            now = time.monotonic()
            if interval <= 0:
                usersessionkit.track_activity(request, user=request.user, session=session)
            elif _next_try.get(key, 0) <= now:
                if len(_next_try) > 10_000:
                    _next_try.clear()
                if cache.add(ACTIVITY_KEY.format(key), 1, timeout=interval):
                    usersessionkit.track_activity(request, user=request.user, session=session)
                    _next_try[key] = now + interval
                else:
                    _next_try[key] = now + min(RETRY_AFTER_OTHERS, interval)
        return self.get_response(request)
