"""Credential pages. Reads show only has_* flags; every write is admin-only (the role table)."""

from webnet.devices import services
from webnet.devices.models import Credential
from webnet.ui.crud import ScopedDeleteView, ScopedFormView, ScopedListView, ScopedMixin
from webnet.ui.forms.credentials import CredentialForm


class CredentialMixin(ScopedMixin):
    model = Credential
    nav = "credentials"
    url_prefix = "credential"
    title_plural = "Credentials"


class CredentialListView(CredentialMixin, ScopedListView):
    table_template = "credentials/_credential_table.html"


class CredentialFormView(CredentialMixin, ScopedFormView):
    form_class = CredentialForm
    create_service = staticmethod(services.create_credential)
    update_service = staticmethod(services.update_credential)


class CredentialDeleteView(CredentialMixin, ScopedDeleteView):
    pass
