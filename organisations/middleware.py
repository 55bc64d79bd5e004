from django.utils.cache import patch_cache_control, patch_vary_headers


class PrivatePagesMiddleware:
    """Pages shown to a logged-in user hold case data: no browser or proxy keeps a copy, so the
    Back button after logging out on a shared PC shows nothing. htmx fragments vary on HX-Request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        patch_vary_headers(response, ["HX-Request"])
        return response
