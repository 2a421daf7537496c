"""The database session engine, reading a session with one plain statement.

Every request and every stream reads its session; the ORM took longer to build that query
than PostgreSQL takes to answer it. Everything else (saving, cycling keys, expiry) is
Django's own `db` engine.
"""

from django.contrib.sessions.backends import db
from django.db import connection
from django.utils import timezone


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        # as Django's: the session if it exists and has not expired, else None and no key
        model = self.model
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT session_data, expire_date FROM {connection.ops.quote_name(model._meta.db_table)} "
                "WHERE session_key = %s AND expire_date > %s",
                [self.session_key, timezone.now()],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return model(session_key=self.session_key, session_data=row[0], expire_date=row[1])
