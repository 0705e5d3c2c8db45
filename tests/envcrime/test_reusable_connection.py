"""One SMTP session reused across messages, checked after idling, replaced when the relay dropped it."""

from django.core.mail import EmailMessage

from envcrime.emails import ReusableConnection


def _send(connection: ReusableConnection, to: str) -> None:
    EmailMessage("Subject", "Body", to=[to], connection=connection.get()).send(fail_silently=False)


def test_one_session_carries_several_messages(smtp_server):
    connection = ReusableConnection()
    first = connection.get()
    _send(connection, "a@example.org")
    _send(connection, "b@example.org")

    assert connection.get() is first
    assert [m.rcpt_tos for m in smtp_server.wait_for(2)] == [["a@example.org"], ["b@example.org"]]
    connection.reset()
    assert connection.backend is None


def test_a_session_the_relay_dropped_while_idle_is_replaced(smtp_server):
    connection = ReusableConnection()
    connection.idle_check_after_seconds = 0  # every reuse counts as idle: checked with NOOP
    first = connection.get()
    first.connection.close()  # what a relay closing an idle session leaves behind

    second = connection.get()
    _send(connection, "after-drop@example.org")

    assert second is not first
    assert smtp_server.wait_for(1)[0].rcpt_tos == ["after-drop@example.org"]
    connection.reset()
