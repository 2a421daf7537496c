"""The stored side of verified queries (app label `assistant`: imported by hexa/assistant/models.py)."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone

from hexa.core.models import Base


class VerifiedQuery(Base):
    """A question and the tool call (query_database or query_files) that answers it."""

    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE, related_name="assistant_verified_queries")
    question = models.TextField()
    tool = models.CharField(max_length=100)
    tool_input = models.JSONField(default=dict)
    # the query as compared with an answer's calls (store.normalised): an answer that runs it reuses it
    normalised = models.TextField()
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # the question's words for full-text search (english stemming), kept by store.py
    search = SearchVectorField(null=True)

    class Meta:
        ordering = ["workspace", "-updated_at"]
        indexes = [
            # searched on every send, written rarely: no pending list to scan (fastupdate off), so a
            # search stays a few index pages whatever was added since the last vacuum
            GinIndex(fields=["search"], name="assistant_verified_search", fastupdate=False),
            models.Index(fields=["workspace", "normalised"], name="assistant_verified_normalised"),
        ]

    def __str__(self):
        return self.question[:80]


class VerifiedQueryChange(models.Model):
    """The history of a workspace's verified queries: who verified, edited or removed which,
    with the query before and after (the id stays when the query is removed)."""

    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE, related_name="+")
    verified_query_id = models.UUIDField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=16)  # VERIFIED, EDITED, REMOVED
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
