"""Photos kept across a form error. A browser never re-fills a file input, so without this a
grid worker who typed a wrong date would have to take the photo again. On an error the page
stores each good photo of the try (`keep`) and carries a signed token for it; the next try
posts the token back (a ticked checkbox beside the photo) and gets the file again (`take`).

What is stored is the metadata-free copy (`renovation.images.strip_metadata`): the original
with its GPS and device data is never written anywhere. The GPS the phone put in the photo
travels inside the signed token instead (`read_gps` finds it on the kept file), so a location
taken from the photo survives the error too. Tokens are signed for one user and expire;
files are removed once used (`discard`) and swept after a day."""

import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from renovation.images import read_gps, strip_metadata, validate_image

FOLDER = "kept-uploads"
SALT = "renovation.uploads.kept"
MAX_AGE = timedelta(hours=12)
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


@dataclass(frozen=True)
class KeptUpload:
    token: str
    name: str  # as the user's phone named it, for the page

    @property
    def url(self) -> str:
        return f"{reverse('kept-upload')}?t={self.token}"


def keep(upload, *, user) -> KeptUpload:
    """Store a good photo of a failed try; raises ValidationError for what is not one."""
    validate_image(upload)
    gps = read_gps(upload)
    clean = strip_metadata(upload)
    extension = clean.name.rsplit(".", 1)[-1]
    path = default_storage.save(f"{FOLDER}/{uuid.uuid4().hex}.{extension}", clean)
    name = (getattr(upload, "name", "") or clean.name).rsplit("/", 1)[-1]
    payload = {"u": user.pk, "p": path, "n": name}
    if gps:
        payload["g"] = [str(gps[0]), str(gps[1])]
    _sweep()
    return KeptUpload(signing.dumps(payload, salt=SALT, compress=True), name)


def _payload(token: str, *, user) -> dict:
    try:
        payload = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature as exc:  # includes SignatureExpired
        raise ValidationError(
            _("A photo kept from your last try has expired; please add it again."),
            code="kept_expired",
        ) from exc
    if payload.get("u") != user.pk or not str(payload.get("p", "")).startswith(f"{FOLDER}/"):
        raise ValidationError(_("This kept photo is not yours."), code="kept_foreign")
    return payload


def describe(token: str, *, user) -> KeptUpload | None:
    """The kept photo a token stands for, or None when it is no longer usable."""
    try:
        payload = _payload(token, user=user)
    except ValidationError:
        return None
    if not default_storage.exists(payload["p"]):
        return None
    return KeptUpload(token, payload["n"])


def open_kept(token: str, *, user):
    """The stored file of a kept photo (for its thumbnail), or raises ValidationError."""
    payload = _payload(token, user=user)
    if not default_storage.exists(payload["p"]):
        raise ValidationError(
            _("A photo kept from your last try has expired; please add it again.")
        )
    extension = payload["p"].rsplit(".", 1)[-1]
    return default_storage.open(payload["p"], "rb"), CONTENT_TYPES.get(extension, "image/jpeg")


def take(tokens, *, user) -> list[SimpleUploadedFile]:
    """The kept photos as uploads again, ready for the service that failed last time."""
    files = []
    for token in tokens:
        payload = _payload(token, user=user)
        try:
            with default_storage.open(payload["p"], "rb") as handle:
                content = handle.read()
        except FileNotFoundError as exc:
            raise ValidationError(
                _("A photo kept from your last try has expired; please add it again."),
                code="kept_expired",
            ) from exc
        extension = payload["p"].rsplit(".", 1)[-1]
        upload = SimpleUploadedFile(
            payload["n"], content, content_type=CONTENT_TYPES.get(extension, "image/jpeg")
        )
        if payload.get("g"):
            upload.kept_gps = tuple(Decimal(v) for v in payload["g"])
        files.append(upload)
    return files


def discard(tokens, *, user) -> None:
    """Remove kept photos once they have been saved for good."""
    for token in tokens:
        try:
            payload = _payload(token, user=user)
        except ValidationError:
            continue
        default_storage.delete(payload["p"])


def _sweep(*, older_than: timedelta = timedelta(days=1)) -> int:
    """Delete kept photos nobody came back for (their tokens expired long ago)."""
    try:
        _dirs, names = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return 0
    cutoff = timezone.now() - older_than
    removed = 0
    for name in names:
        path = f"{FOLDER}/{name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
                removed += 1
        except FileNotFoundError:  # another request swept it first
            continue
    return removed


# ---- forms ----------------------------------------------------------------------------------


class KeptUploadsWidget(forms.Widget):
    """Each kept photo as a ticked checkbox with its thumbnail and name; untick to drop it.
    Hidden (renders nothing, no label) until the form has kept something."""

    template_name = "renovation/widgets/kept_uploads.html"

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.has_kept = False

    @property
    def is_hidden(self):
        return not self.has_kept

    def value_from_datadict(self, data, files, name):
        return [token for token in data.getlist(name) if token] if hasattr(data, "getlist") else []

    def value_omitted_from_data(self, data, files, name):
        return False

    def format_value(self, value):
        return [str(token) for token in (value or [])]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        kept = [describe(token, user=self.user) for token in (value or [])]
        context["kept"] = [k for k in kept if k is not None]
        return context


class KeptUploadsField(forms.Field):
    """Tokens of photos kept from an earlier try of the same form."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", gettext_lazy("Photos kept from your last try"))
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        return [str(token) for token in (value or [])]


class KeepsUploadsMixin:
    """For a form whose photo fields (`kept_upload_fields`, each a multiple FileField returning a
    list) should survive an error: adds `kept_<field>` beside each, merges the kept photos into
    the field's cleaned list, and after an error `keep_uploads()` stores the new ones.
    The form takes `user=`."""

    kept_upload_fields = ("photos",)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        fields = {}
        for name, field in self.fields.items():
            if name in self.kept_upload_fields:
                # Just before the file input: "kept from last time", then "add more".
                fields[f"kept_{name}"] = KeptUploadsField(widget=KeptUploadsWidget(user=user))
            fields[name] = field
        self.fields = fields

    def kept_tokens(self, name: str) -> list[str]:
        if not self.is_bound:
            return []
        return self.fields[f"kept_{name}"].widget.value_from_datadict(
            self.data, self.files, self.add_prefix(f"kept_{name}")
        )

    def clean(self):
        data = super().clean()
        for name in self.kept_upload_fields:
            if name not in self.fields or name not in data:
                continue
            try:
                kept = take(data.get(f"kept_{name}") or [], user=self.user)
            except ValidationError as exc:
                self.add_error(name, exc)
                continue
            data[name] = kept + list(data[name] or [])
        return data

    def keep_uploads(self) -> None:
        """After an error: store this try's good photos so the page offers them again."""
        if not self.is_bound:
            return
        data = self.data.copy()
        for name in self.kept_upload_fields:
            if name not in self.fields:
                continue
            tokens = [t for t in self.kept_tokens(name) if describe(t, user=self.user)]
            for upload in self.files.getlist(self.add_prefix(name)):
                try:
                    tokens.append(keep(upload, user=self.user).token)
                except ValidationError:
                    continue  # not a photo: its error is on the page already
            data.setlist(self.add_prefix(f"kept_{name}"), tokens)
            self.fields[f"kept_{name}"].widget.has_kept = bool(tokens)
        self.data = data

    def discard_kept(self) -> None:
        """After success: the kept photos are saved for good; remove the temporary copies."""
        for name in self.kept_upload_fields:
            if name in self.fields:
                discard(self.kept_tokens(name), user=self.user)
