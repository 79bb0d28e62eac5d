"""Erasures: which customer's CRM data was erased, when and why, without the person.

A ``CustomerErasure`` row is written by every erasure (``erasure.py``): the account's id
(``user_key``, a number, kept after the account is gone), why (the account was deleted,
or staff asked), when it was scheduled and done, and how many rows it changed. It holds
no e-mail and no name, so it is the record that an erasure happened.

It is also how the CRM hears that Saleor deleted a customer, whatever deleted it
(``customerDelete``, ``customerBulkDelete``, ``accountDelete``, the Django admin, a
script): the ``user`` foreign key's ``on_delete`` (``erase_on_customer_delete``) runs in
every deletion of a user, with or without erasure rows (``lazy_sub_objs``), sees the
accounts being deleted with their e-mail addresses, and schedules
``customer_data_erase_task`` for each once the deletion commits. Saleor's
``customer_deleted`` / ``account_deleted`` plugin hooks cannot do it: Saleor calls them
without a channel, so a per-channel plugin such as this one is not called at all
(``tests/privacy/test_deletion_hook.py`` shows it).
"""

from celery import signature
from django.conf import settings
from django.db import models
from django.utils import timezone

from ..enqueue import enqueue_after_commit


class ErasureReason:
    ACCOUNT_DELETED = "account_deleted"
    REQUEST = "request"

    CHOICES = [
        (ACCOUNT_DELETED, "Saleor deleted the customer's account"),
        (REQUEST, "Staff erased the CRM's data at the customer's request"),
    ]


def erase_on_customer_delete(collector, field, sub_objs, using):
    """``on_delete`` of ``CustomerErasure.user``: like ``SET_NULL``, and schedules the
    erasure of every account the deletion removes (once it commits)."""
    collector.add_field_update(field, None, sub_objs)
    scheduled = collector.__dict__.setdefault("crm_erasures_scheduled", set())
    for user in collector.data.get(field.remote_field.model, ()):
        if user.pk not in scheduled:
            scheduled.add(user.pk)
            enqueue_after_commit(signature(ERASE_TASK), user.pk, user.email)


erase_on_customer_delete.lazy_sub_objs = True

# By name: the models module cannot import the tasks (they import every domain) while
# Django loads the app's models.
ERASE_TASK = "saleor_crm_plugin.privacy.tasks.customer_data_erase_task"


class CustomerErasure(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=erase_on_customer_delete,
        related_name="+",
    )
    # The account's id, kept when the account is gone.
    user_key = models.BigIntegerField(db_index=True)
    reason = models.CharField(max_length=32, choices=ErasureReason.CHOICES)
    rows_changed = models.IntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ("-created_at", "-pk")

    def __str__(self):
        return f"CustomerErasure({self.user_key}, {self.reason})"
