"""One router for every viewset, the admin and the API schema."""
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import routers
from rest_framework.routers import DefaultRouter

from agreements.views import AgreementViewSet, FundingCommitmentViewSet, IATIActivitiesView, PaymentViewSet
from meetings.views import MeetingViewSet, calendar_address, calendar_feed
from network.dashboard import dashboard
from network.release_import import import_press_release
from network.views import OrganizationViewSet, PersonViewSet, PressReleaseConfirmView, PressReleaseExtractView
from partners.views import FocalAreaViewSet, SourceViewSet

from .api.permissions import HasStaffRole
from .api.sync import ChangesView
from .auth import TokenLoginView, TokenRevokeAllView, TokenRevokeView

class APIRootView(routers.APIRootView):
    permission_classes = [HasStaffRole]


router = DefaultRouter()
router.APIRootView = APIRootView
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("people", PersonViewSet)
router.register("agreements", AgreementViewSet)
router.register("funding-commitments", FundingCommitmentViewSet, basename="fundingcommitment")
router.register("payments", PaymentViewSet)
router.register("meetings", MeetingViewSet)
router.register("focal-areas", FocalAreaViewSet)
router.register("sources", SourceViewSet)

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/dashboard/", admin.site.admin_view(dashboard), name="admin-dashboard"),
    path("admin/press-release/", admin.site.admin_view(import_press_release), name="admin-press-release-import"),
    path("admin/calendar/", admin.site.admin_view(calendar_address), name="meetings-calendar-address"),
    path("calendar/<str:secret>.ics", calendar_feed, name="meetings-calendar"),
    path("admin/", admin.site.urls),
    path("api/auth/token/", TokenLoginView.as_view(), name="api-token"),
    path("api/auth/token/revoke/", TokenRevokeView.as_view(), name="api-token-revoke"),
    path("api/auth/token/revoke-all/", TokenRevokeAllView.as_view(), name="api-token-revoke-all"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # A browser that is not logged in is sent to the login page, then back to the docs.
    path(
        "api/docs/",
        login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema"), login_url="admin:login"),
        name="api-docs",
    ),
    path("api/press-releases/extract/", PressReleaseExtractView.as_view(), name="api-press-release-extract"),
    path("api/press-releases/", PressReleaseConfirmView.as_view(), name="api-press-releases"),
    path("api/changes/", ChangesView.as_view(), name="api-changes"),
    path("api/iati/activities.xml", IATIActivitiesView.as_view(), name="api-iati-activities"),
    path("api/", include(router.urls)),
]

handler404 = "crm.middleware.page_not_found"
handler500 = "crm.middleware.server_error"
