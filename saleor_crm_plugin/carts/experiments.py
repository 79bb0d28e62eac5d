"""Splitting shoppers into experiment variants.

A shopper's variant comes from a stable hash of the channel and their normalised e-mail
(SHA-256, not Python's salted ``hash``): the same shopper lands in the same variant on
every checkout, in every process, after every restart, as long as the variants and
weights stay the same. The hash picks a point in ``[0, total weight)`` and the variants
own consecutive ranges of their weights, in the configured order; a weight of 0 takes
nobody.

A variant without an offer (``offer is None``) is the holdout: the shopper still gets the
reminders, without a discount, and ``stats`` compares the other variants with it.
"""

import hashlib

from ..consent.actions import normalize_email


def variant_bucket(*, email: str, channel_id: int, total_weight: int) -> int:
    """The shopper's point in ``[0, total_weight)``; the same for the same inputs."""
    key = f"{channel_id}:{normalize_email(email)}".encode()
    digest = hashlib.sha256(key).digest()
    return int.from_bytes(digest[:8], "big") % total_weight


def variant_for(*, email: str, channel_id: int, variants):
    """The ``ExperimentVariant`` of this shopper; None without an experiment."""
    total_weight = sum(variant.weight for variant in variants)
    if total_weight <= 0:
        return None
    bucket = variant_bucket(email=email, channel_id=channel_id, total_weight=total_weight)
    upper = 0
    for variant in variants:
        upper += variant.weight
        if bucket < upper:
            return variant
    return None  # unreachable: bucket < total_weight


def holdout_variant(variants):
    """The variant the others are compared with: the first without an offer, else the first."""
    for variant in variants:
        if variant.offer is None:
            return variant
    return variants[0] if variants else None
