"""{% figure value "name" param=value ... %}: a dashboard count that opens the list behind it (for
the head; anyone else sees the number only)."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def figure(context, value, name, **params):
    if not context.get("figures_open"):
        return value
    query = {"jaar": context["year"], **params}
    if context.get("counsellor"):
        query["begeleider"] = context["counsellor"].pk
    url = f"{reverse('reporting:behind', args=[name])}?{urlencode(query)}"
    return format_html('<a href="{}" class="figure-link">{}</a>', url, value)
