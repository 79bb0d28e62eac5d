"""Abandoned-cart recovery: detection, staged reminders, offers, attribution.

See docs/cart-recovery.md.
"""
