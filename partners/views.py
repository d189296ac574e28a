"""API endpoints of organisations, people, focal areas and sources.

The organisation and people lists are served by network/views.py's subclasses, which add what
reads across apps (partner lists, agreements and meetings); these are their bases.
"""
from rest_framework import viewsets

from crm.api.concurrency import VersionedViewSetMixin
from crm.api.readpaths import DatabaseShapedReadMixin

from .filters import FocalAreaFilter, OrganizationFilter, PersonFilter, SourceFilter
from .models import FocalArea, Organization, Person, Source
from .serializers import FocalAreaSerializer, OrganizationSerializer, PersonSerializer, SourceSerializer


class OrganizationViewSet(VersionedViewSetMixin, DatabaseShapedReadMixin, viewsets.ModelViewSet):
    queryset = Organization.objects.all()
    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilter
    search_paths = ("", "aliases")
    ordering_fields = ["name_en", "name_ar", "acronym", "kind", "country", "founded_on", "id"]
    ordering = ["name_en", "name_ar", "id"]


class PersonViewSet(VersionedViewSetMixin, DatabaseShapedReadMixin, viewsets.ModelViewSet):
    queryset = Person.objects.all()
    serializer_class = PersonSerializer
    filterset_class = PersonFilter
    search_paths = ("", "aliases")
    ordering_fields = ["name_en", "name_ar", "id"]
    ordering = ["name_en", "name_ar", "id"]


class FocalAreaViewSet(VersionedViewSetMixin, DatabaseShapedReadMixin, viewsets.ModelViewSet):
    queryset = FocalArea.objects.all()
    serializer_class = FocalAreaSerializer
    filterset_class = FocalAreaFilter
    search_paths = ("",)
    ordering_fields = ["code", "name_en", "name_ar", "id"]
    ordering = ["code"]


class SourceViewSet(VersionedViewSetMixin, DatabaseShapedReadMixin, viewsets.ModelViewSet):
    queryset = Source.objects.all()
    serializer_class = SourceSerializer
    filterset_class = SourceFilter
    ordering_fields = ["slug", "published_on", "id"]
    ordering = ["slug"]
