"""Erasure: the CRM forgets a customer's personal data; its sums and reports stay.

Two ways in, one function (``customer_data_erase``):

* Saleor deleted the customer (``customerDelete``, ``customerBulkDelete``,
  ``accountDelete``, or any other deletion of the row): the ``on_delete`` of
  ``CustomerErasure.user`` (``models.py``) schedules ``customer_data_erase_task`` with
  the id and the e-mail the account had, once the deletion commits. The deletion itself
  already did what foreign keys do (below); the task does the rest.
* Staff ask for it (``customerCrmErase``, MANAGE_USERS): the Saleor account stays (its
  orders are Saleor's), the CRM's personal data about it goes, and the customer is
  recorded as objecting to marketing e-mail and to profiling (source ``staff``), so
  the next refresh does not build them a profile again.

What happens to each table is listed in docs/privacy.md (a test checks that every CRM
table is there). In short, by account id **and** by every e-mail address of the
customer (``subjects.py``: guest checkouts and unsubscribes carry only an address):

* deleted: consent answers and their history, the unsubscribe pseudonym, tags, RFM rows, the birthday, receipt
  claims and refusals, card recognitions, segment membership history, and members
  export files that list the customer;
* pseudonymised: abandoned checkouts, their reminders and offers, journey enrollments
  and their messages keep their amounts, statuses and dates (cart recovery's and the
  journeys' statistics) under ``erased-cart-<id>@erased.invalid`` /
  ``erased-journey-<id>@erased.invalid`` and no account; loyalty accounts keep every entry and balance without their user
  (``anonymised_at``); store purchases lose their card fingerprint and their links the
  staff's free-text reason, and keep the account id, a number no row points to once the
  account is deleted (storeReport keeps its linked purchases and customers);
* segment memberships are not touched here: a deleted customer's went with the
  account; on request the profiling objection makes the refresh remove them and
  recount, through the segments' own writer;
* recorded: a ``CustomerErasure`` row (the account's id, why, when, how many rows),
  without any personal data.

Every step finds only what is left, so running it twice leaves the same state.
"""

import dataclasses

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..carts.models import AbandonedCheckout, AbandonedStatus, CartRecoveryOffer, CartReminder
from ..consent.actions import consent_set
from ..consent.models import ConsentActor, ConsentEvent, ConsentPurpose, ConsentSource
from ..consent.models import MarketingConsent, MarketingRecipient
from ..journeys.models import EnrollmentStatus, JourneyEnrollment, JourneyMessage
from ..loyalty.models import CustomerProfile, LoyaltyAccount
from ..segments.actions import customer_segments_refresh
from ..segments.models import CustomerRfm, CustomerTag, SegmentMembersExport
from ..segments.models import SegmentMembershipEvent, SegmentOrderOwner
from ..stores.models import (
    StoreCardRecognition,
    StorePurchase,
    StorePurchaseClaim,
    StorePurchaseClaimRefusal,
    StorePurchaseLink,
)
from .models import CustomerErasure, ErasureReason
from .subjects import DataSubject, data_subject_find

ERASED_DOMAIN = "erased.invalid"
ERASURE_REASON = "erasure request"


@dataclasses.dataclass(frozen=True)
class ErasureResult:
    """How many rows each table lost (deleted) or had pseudonymised."""

    deleted: dict[str, int]
    pseudonymised: dict[str, int]

    @property
    def changed(self) -> int:
        return sum(self.deleted.values()) + sum(self.pseudonymised.values())


def erased_email(kind: str, row_id: int) -> str:
    """The address an erased row keeps (``kind``: ``cart``, ``journey``), and its children."""
    return f"erased-{kind}-{row_id}@{ERASED_DOMAIN}"


def customer_data_erase(*, user_id: int, emails: list[str], account_deleted: bool) -> ErasureResult:
    """Erase the CRM's personal data of customer ``user_id`` (and ``emails``).

    ``emails[0]`` is the account's address (on request the objection is recorded
    under it).
    """
    subject = data_subject_find(user_id=user_id, emails=emails)
    deleted: dict[str, int] = {}
    pseudonymised: dict[str, int] = {}
    with transaction.atomic():
        _consent_erase(subject, deleted)
        _carts_erase(subject, pseudonymised)
        _journeys_erase(subject, pseudonymised)
        _stores_erase(subject, deleted, pseudonymised)
        _profile_erase(subject, deleted, pseudonymised)
        _members_exports_erase(subject, deleted)
        if account_deleted:
            # Which customer had an order: a deleted one's rows name nobody any more.
            deleted[SegmentOrderOwner._meta.db_table] = _delete(
                SegmentOrderOwner.objects.filter(user_id=user_id)
            )
        elif emails:
            _objection_record(email=emails[0], user_id=user_id)
    # Memberships follow the segments' own writer: a deleted customer's are recounted,
    # an objecting customer's removed (with their counts); then their history goes.
    customer_segments_refresh(user_id=user_id, reason=ERASURE_REASON)
    deleted[SegmentMembershipEvent._meta.db_table] = _delete(
        SegmentMembershipEvent.objects.filter(user_id=user_id)
    )
    result = ErasureResult(
        deleted={table: count for table, count in deleted.items() if count},
        pseudonymised={table: count for table, count in pseudonymised.items() if count},
    )
    CustomerErasure.objects.create(
        user_id=None if account_deleted else user_id,
        user_key=user_id,
        reason=ErasureReason.ACCOUNT_DELETED if account_deleted else ErasureReason.REQUEST,
        rows_changed=result.changed,
    )
    return result


def _delete(queryset) -> int:
    count, _ = queryset.delete()
    return count


def _by_subject(subject: DataSubject) -> Q:
    return Q(user_id=subject.user_id) | Q(email__in=subject.emails)


def _consent_erase(subject: DataSubject, deleted: dict[str, int]) -> None:
    for model in (MarketingConsent, ConsentEvent):
        deleted[model._meta.db_table] = _delete(model.objects.filter(_by_subject(subject)))
    # The unsubscribe pseudonym: links in old messages then name nobody.
    deleted[MarketingRecipient._meta.db_table] = _delete(
        MarketingRecipient.objects.filter(email__in=subject.emails)
    )


def _journeys_erase(subject: DataSubject, pseudonymised: dict[str, int]) -> None:
    """Enrollments and their messages keep their figures under a pseudonym."""
    enrollment_ids = set(
        JourneyEnrollment.objects.filter(_by_subject(subject)).values_list("pk", flat=True)
    )
    enrollment_ids.update(
        JourneyMessage.objects.filter(email__in=subject.emails).values_list(
            "enrollment_id", flat=True
        )
    )
    enrollments = messages = 0
    for enrollment_id in sorted(enrollment_ids):
        email = erased_email("journey", enrollment_id)
        enrollments += JourneyEnrollment.objects.filter(pk=enrollment_id).update(
            email=email, user_id=None
        )
        messages += JourneyMessage.objects.filter(enrollment_id=enrollment_id).update(email=email)
    pseudonymised[JourneyEnrollment._meta.db_table] = enrollments
    pseudonymised[JourneyMessage._meta.db_table] = messages
    # Nothing more is sent to a pseudonym: open enrollments end here.
    JourneyEnrollment.objects.filter(pk__in=enrollment_ids, status=EnrollmentStatus.OPEN).update(
        status=EnrollmentStatus.SUPPRESSED, next_stage_at=None, closed_at=timezone.now()
    )


def _carts_erase(subject: DataSubject, pseudonymised: dict[str, int]) -> None:
    abandoned_ids = set(
        AbandonedCheckout.objects.filter(_by_subject(subject)).values_list("pk", flat=True)
    )
    # A reminder or offer under one of the addresses whose checkout has another.
    for model in (CartReminder, CartRecoveryOffer):
        abandoned_ids.update(
            model.objects.filter(email__in=subject.emails).values_list("abandoned_id", flat=True)
        )
    counts = dict.fromkeys((AbandonedCheckout._meta.db_table, CartReminder._meta.db_table), 0) | {
        CartRecoveryOffer._meta.db_table: 0
    }
    for abandoned_id in sorted(abandoned_ids):
        email = erased_email("cart", abandoned_id)
        counts[AbandonedCheckout._meta.db_table] += AbandonedCheckout.objects.filter(
            pk=abandoned_id
        ).update(email=email, user_id=None)
        for model in (CartReminder, CartRecoveryOffer):
            counts[model._meta.db_table] += model.objects.filter(abandoned_id=abandoned_id).update(
                email=email
            )
    for table, count in counts.items():
        pseudonymised[table] = count
    # No reminder follows: open checkouts close (a later change of Saleor's checkout,
    # which Saleor keeps, starts a new round under the address it then carries).
    AbandonedCheckout.objects.filter(pk__in=abandoned_ids, status=AbandonedStatus.OPEN).update(
        status=AbandonedStatus.SUPPRESSED, next_stage_at=None, closed_at=timezone.now()
    )


def _stores_erase(
    subject: DataSubject, deleted: dict[str, int], pseudonymised: dict[str, int]
) -> None:
    user_id = subject.user_id
    for model in (StorePurchaseClaim, StorePurchaseClaimRefusal, StoreCardRecognition):
        deleted[model._meta.db_table] = _delete(model.objects.filter(user_id=user_id))
    pseudonymised[StorePurchase._meta.db_table] = (
        StorePurchase.objects.filter(user_id=user_id).exclude(card_fingerprint="")
    ).update(card_fingerprint="")
    pseudonymised[StorePurchaseLink._meta.db_table] = (
        StorePurchaseLink.objects.filter(user_id=user_id).exclude(reason="")
    ).update(reason="")


def _profile_erase(
    subject: DataSubject, deleted: dict[str, int], pseudonymised: dict[str, int]
) -> None:
    user_id = subject.user_id
    for model in (CustomerTag, CustomerRfm, CustomerProfile):
        deleted[model._meta.db_table] = _delete(model.objects.filter(user_id=user_id))
    # Like Saleor's deletion of the account (``anonymise_on_user_delete``): every
    # entry and balance stays, without the customer.
    pseudonymised[LoyaltyAccount._meta.db_table] = LoyaltyAccount.objects.filter(
        user_id=user_id
    ).update(user_id=None, anonymised_at=timezone.now())


def _members_exports_erase(subject: DataSubject, deleted: dict[str, int]) -> None:
    """Members export files listing the customer's address: the file goes."""
    count = 0
    needles = [email.encode() for email in subject.emails]
    for members_export in SegmentMembersExport.objects.exclude(content_file="").exclude(
        content_file__isnull=True
    ):
        try:
            with members_export.content_file.open("rb") as content:
                text = content.read().lower()
        except OSError:
            continue
        if any(needle in text for needle in needles):
            members_export.content_file.delete(save=False)
            members_export.content_file = None
            members_export.save(update_fields=["content_file", "updated_at"])
            count += 1
    deleted["segment members export files"] = count


def _objection_record(*, email: str, user_id: int) -> None:
    """On request the account stays: record that it objects to marketing and profiling."""
    for purpose in ConsentPurpose.ALL:
        consent_set(
            email=email,
            purpose=purpose,
            granted=False,
            source=ConsentSource.STAFF,
            user_id=user_id,
            actor=ConsentActor.STAFF,
            reason=ERASURE_REASON,
        )
