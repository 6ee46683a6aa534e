"""The account's own data through the API: export (JSON or zipped CSV), import, delete."""

from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from cramps import portability
from cramps.views.portability import download

from .parsers import SafeJSONParser


class _Detail(serializers.Serializer):
    detail = serializers.CharField()


class ExportJSONView(APIView):
    @extend_schema(
        summary=gettext_lazy("Everything of the signed-in user as one JSON document (streamed)"),
        responses={(200, "application/json"): OpenApiTypes.OBJECT},
    )
    def get(self, request):
        return download(request.user, "json")


class ExportZipView(APIView):
    @extend_schema(
        summary=gettext_lazy(
            "Everything of the signed-in user as CSV files, one per kind, zipped (streamed)"
        ),
        responses={(200, "application/zip"): OpenApiTypes.BINARY},
    )
    def get(self, request):
        return download(request.user, "zip")


class ImportView(APIView):
    parser_classes = [MultiPartParser]

    def initial(self, request, *args, **kwargs):
        # Before authentication: a session's CSRF check would parse (and store) the whole body.
        refusal = portability.upload_too_large(request) if request.method == "POST" else ""
        if refusal:
            raise exceptions.ParseError(refusal)
        super().initial(request, *args, **kwargs)

    @extend_schema(
        summary=gettext_lazy(
            "Restore a JSON export into this account, which must hold no entries yet"
        ),
        description=gettext_lazy(
            "Send the export as the multipart field `file`. Into an account that already has "
            "entries the import is refused (never merged); a bad file changes nothing."
        ),
        request={
            "multipart/form-data": inline_serializer(
                "ImportRequest", {"file": serializers.FileField()}
            )
        },
        responses={
            201: inline_serializer("ImportResult", {"imported": serializers.DictField()}),
            400: OpenApiResponse(
                _Detail, description=gettext_lazy("Not an export, or a bad entry.")
            ),
            409: OpenApiResponse(
                _Detail, description=gettext_lazy("The account already has entries.")
            ),
        },
    )
    def post(self, request):
        upload = request.FILES.get("file")
        if upload is None:
            return Response(
                {"detail": _("Send the export as the multipart field “file”.")},
                status=status.HTTP_400_BAD_REQUEST,
            )
        try:
            counts = portability.import_json(request.user, upload)
        except portability.AccountNotEmpty as refused:
            return Response({"detail": str(refused)}, status=status.HTTP_409_CONFLICT)
        except portability.ImportRefused as refused:
            return Response({"detail": str(refused)}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"imported": counts}, status=status.HTTP_201_CREATED)


class DeleteAccountView(APIView):
    parser_classes = [SafeJSONParser]

    @extend_schema(
        summary=gettext_lazy(
            "Delete the account and every row of it at once, confirmed with the password"
        ),
        request=inline_serializer("DeleteAccount", {"password": serializers.CharField()}),
        responses={
            204: OpenApiResponse(description=gettext_lazy("Deleted.")),
            403: OpenApiResponse(
                _Detail, description=gettext_lazy("Not the password: nothing deleted.")
            ),
        },
    )
    def post(self, request):
        password = request.data.get("password") if isinstance(request.data, dict) else None
        try:
            portability.check_delete_password(request.user, password)
        except ValidationError as wrong:
            return Response({"detail": wrong.messages[0]}, status=status.HTTP_403_FORBIDDEN)
        user = request.user
        if request.session.session_key:
            logout(request._request)
        portability.delete_account(user)
        return Response(status=status.HTTP_204_NO_CONTENT)
