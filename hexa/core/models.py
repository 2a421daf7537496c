import uuid

from django.db import models


class BaseQuerySet(models.QuerySet):
    """Querysets of OpenHEXA models answer `filter_for_user(user)`: the rows that user may see."""

    def filter_for_user(self, user):
        raise NotImplementedError(f"{type(self).__name__} must implement filter_for_user()")

    def _filter_for_user_and_query_object(self, user, query, return_all_if_superuser=True):
        if not user.is_authenticated:
            return self.none()
        if return_all_if_superuser and user.is_superuser:
            return self.all()
        return self.filter(query).distinct()


class Base(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BaseQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-created_at"]
