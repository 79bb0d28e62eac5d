"""The staff's CRM inside the Saleor Dashboard, served by the plugin itself.

The extension (``dashboard-extension/``, TypeScript) is built into ``dist/`` inside this
package, so ``pip install`` ships it. A Saleor App with no backend of its own: the plugin's
``webhook()`` serves its manifest and its files under ``/plugins/saleor.crm/dashboard/``;
Saleor's ``install_app`` / ``appInstall`` register it from the manifest's URL.
"""
