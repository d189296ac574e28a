"""The app's URLs plus the naive peer under /bench/naive/: the runner's URLconf, never the app's."""
from django.contrib import admin
from django.urls import include, path

from bench.peers import naive_router

try:
    from crm.urls import urlpatterns as app_urlpatterns

    APP_URLS_ERROR = None
except Exception as error:  # noqa: BLE001 - the API is being written; measure what does load
    app_urlpatterns = [path("admin/", admin.site.urls)]
    APP_URLS_ERROR = f"{type(error).__name__}: {error}"

urlpatterns = [path("bench/naive/", include(naive_router.urls)), *app_urlpatterns]
