"""saleor-crm-plugin: loyalty, segments and cart recovery inside Saleor."""

__version__ = "0.1.0"
