from django import forms
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from salesflow.core.concurrency import VersionedModelForm

from ..models import Channel

ROBOT_HOSTS = {  # where each platform's robot lives (another host is accepted: a proxy, a private deployment)
    Channel.Kind.WECOM: "qyapi.weixin.qq.com", Channel.Kind.DINGTALK: "oapi.dingtalk.com",
    Channel.Kind.FEISHU: "open.feishu.cn",
}


class ChannelForm(VersionedModelForm):
    url = forms.URLField(label=gettext_lazy("Webhook URL"), required=False, max_length=500, assume_scheme="https")
    secret = forms.CharField(label=gettext_lazy("Signing secret"), required=False, max_length=200,
                             widget=forms.PasswordInput(render_value=False),
                             help_text=gettext_lazy("DingTalk 加签 / Feishu 签名校验. Leave empty to keep the current "
                                                    "one."))
    clear_secret = forms.BooleanField(label=gettext_lazy("Remove the signing secret"), required=False)

    class Meta:
        model = Channel
        fields = ["name", "kind", "url", "recipients", "active"]

    def clean(self):
        cleaned = super().clean()
        kind, url = cleaned.get("kind"), cleaned.get("url")
        if kind == Channel.Kind.EMAIL:
            addresses = [a.strip() for a in (cleaned.get("recipients") or "").split(",") if a.strip()]
            if not addresses:
                self.add_error("recipients", _("Give at least one e-mail address."))
            for address in addresses:
                try:
                    validate_email(address)
                except forms.ValidationError:
                    self.add_error("recipients", _("“%(address)s” is not an e-mail address.") % {"address": address})
        elif kind and not url:
            self.add_error("url", _("Paste the robot's webhook URL (群机器人 → Webhook 地址)."))
        elif kind and url and not url.startswith("https://") and not url.startswith("http://"):
            self.add_error("url", _("The webhook URL starts with https://."))
        return cleaned

    def save(self, commit=True):
        channel = super().save(commit=False)
        if self.cleaned_data.get("clear_secret"):
            channel.secret = ""
        elif self.cleaned_data.get("secret"):
            channel.secret = self.cleaned_data["secret"]
        if commit:
            channel.save()
        return channel
