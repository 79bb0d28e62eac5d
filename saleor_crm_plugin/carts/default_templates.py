"""Built-in Handlebars e-mail templates, used where a template field says ``DEFAULT``.

They use only the payload of ``messages.cart_message_payload`` and Saleor's ``price``
helper; docs/cart-recovery.md lists the variables for custom templates.
"""

_LINES = """
<table style="border-collapse:collapse;width:100%">
  <tr><th align="left">Item</th><th align="right">Qty</th><th align="right">Price</th></tr>
  {{#each checkout.lines}}
  <tr>
    <td>{{product_name}}{{#if variant_name}} ({{variant_name}}){{/if}}</td>
    <td align="right">{{quantity}}</td>
    <td align="right">{{price total_net_amount total_gross_amount ../checkout.currency
      display_gross=true}}</td>
  </tr>
  {{/each}}
  <tr>
    <td colspan="2"><strong>Total</strong></td>
    <td align="right"><strong>{{price checkout.total_net_amount checkout.total_gross_amount
      checkout.currency display_gross=true}}</strong></td>
  </tr>
</table>
"""

_FOOTER = """
<p><a href="{{checkout.restore_url}}">Return to your checkout</a></p>
<p style="font-size:small">{{site_name}} &middot;
  <a href="{{unsubscribe_url}}">Unsubscribe from these e-mails</a></p>
</body></html>
"""

REMINDER = (
    "<html><body>\n"
    "<p>Hello{{#if customer.first_name}} {{customer.first_name}}{{/if}},</p>\n"
    "<p>You left these items in your cart at {{site_name}}:</p>\n" + _LINES + _FOOTER
)

OFFER = (
    "<html><body>\n"
    "<p>Hello{{#if customer.first_name}} {{customer.first_name}}{{/if}},</p>\n"
    "<p>Your cart at {{site_name}} is still waiting.</p>\n"
    "{{#if offer}}<p>Use the code <strong>{{offer.code}}</strong> for {{offer.description}}"
    " (valid until {{format_datetime offer.ends_at '%d %B %Y'}}, once, with this e-mail"
    " address).</p>{{/if}}\n" + _LINES + _FOOTER
)

LAST_CALL = (
    "<html><body>\n"
    "<p>Hello{{#if customer.first_name}} {{customer.first_name}}{{/if}},</p>\n"
    "<p>This is our last reminder: the items below are still in your cart.</p>\n" + _LINES + _FOOTER
)

BY_KIND = {"reminder": REMINDER, "offer": OFFER, "last_call": LAST_CALL}
