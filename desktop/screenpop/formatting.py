"""How customer data reads on screen: identities, phone numbers, relative times, stars."""
from __future__ import annotations

import phonenumbers
from PySide6.QtCore import QCoreApplication, QDateTime, QLocale

from desktop.texts import channel_name
from edge_server.contract.interactions import Identity, IdentityKind, TimelineEntry

#: Web visitor ids are long random tokens; agents only need enough to tell two apart.
_VISITOR_CHARS = 8


def format_phone(e164: str) -> str:
    """"+8613800138000" -> "+86 138 0013 8000"; anything unparsable is shown as stored."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def identity_kind_name(kind: IdentityKind | str) -> str:
    match str(kind):
        case "phone":
            return QCoreApplication.translate("ScreenPop", "Phone")
        case "email":
            return QCoreApplication.translate("ScreenPop", "Email")
        case "wechat_openid":
            return QCoreApplication.translate("ScreenPop", "WeChat")
        case "wechat_unionid":
            return QCoreApplication.translate("ScreenPop", "WeChat (union)")
        case "wecom_external_userid":
            return QCoreApplication.translate("ScreenPop", "WeChat service")
        case "weibo_uid":
            return QCoreApplication.translate("ScreenPop", "Weibo")
        case "web_visitor":
            return QCoreApplication.translate("ScreenPop", "Web visitor")
        case "web_user":
            return QCoreApplication.translate("ScreenPop", "Site user")
        case "app_user":
            return QCoreApplication.translate("ScreenPop", "App user")
    return str(kind)


def identity_channel(kind: IdentityKind | str) -> str:
    """The channel whose icon stands for an identity kind."""
    match str(kind):
        case "phone":
            return "voice"
        case "email":
            return "email"
        case "wechat_openid" | "wechat_unionid" | "wecom_external_userid":
            return "wechat"
        case "weibo_uid":
            return "weibo"
        case "web_visitor" | "web_user":
            return "chat"
    return "other"


def identity_text(identity: Identity) -> str:
    """The value as an agent reads it: phones grouped, visitor ids shortened."""
    match str(identity.kind):
        case "phone":
            return format_phone(identity.value)
        case "web_visitor":
            v = identity.value
            return v if len(v) <= _VISITOR_CHARS + 1 else v[:_VISITOR_CHARS] + "…"
    return identity.value


def when_text(ts_ms: int, now_ms: int) -> str:
    """Today: "10:42"; yesterday: "Yesterday 10:42"; this year: a short date; else the date with year."""
    locale = QLocale()
    when = QDateTime.fromMSecsSinceEpoch(ts_ms)
    now = QDateTime.fromMSecsSinceEpoch(now_ms)
    time = locale.toString(when.time(), QLocale.FormatType.ShortFormat)
    days = when.date().daysTo(now.date())
    if days == 0:
        return time
    if days == 1:
        return QCoreApplication.translate("ScreenPop", "Yesterday {time}").format(time=time)
    if when.date().year() == now.date().year():
        # No year for this year's dates: "Mar 5" / "3月5日", whichever the locale writes.
        fmt = "M月d日" if locale.language() == QLocale.Language.Chinese else "MMM d"
        return locale.toString(when.date(), fmt)
    return locale.toString(when.date(), QLocale.FormatType.ShortFormat)


def full_time_text(ts_ms: int) -> str:
    return QLocale().toString(QDateTime.fromMSecsSinceEpoch(ts_ms), QLocale.FormatType.ShortFormat)


def stars(rating: int) -> str:
    """"★★★★☆" for 4 of 5; "" when the customer did not rate."""
    if rating <= 0:
        return ""
    rating = min(rating, 5)
    return "★" * rating + "☆" * (5 - rating)


def channel_label(channel: str) -> str:
    return channel_name(str(channel))


def _regions() -> list[str]:
    """Where a number typed without "+" may be from: China first (the product's home market and
    the demo site), then the UI locale's territory. A site setting would be better; see the report."""
    name = QLocale().name()  # "zh_CN", "en_US"
    local = name.split("_")[1] if "_" in name else ""
    return ["CN"] + ([local] if len(local) == 2 and local != "CN" else [])


def normalize_phone(text: str) -> str | None:
    """What an agent typed as E.164 ("+8613800138000"); None when it is not a valid number."""
    for region in _regions():
        try:
            number = phonenumbers.parse(text.strip(), region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return None


def normalize_identity(kind: IdentityKind, text: str) -> str | None:
    """The stored form of a typed identity (E.164 phone, lower-case email); None when invalid."""
    text = text.strip()
    if not text:
        return None
    if kind == IdentityKind.PHONE:
        return normalize_phone(text)
    if kind == IdentityKind.EMAIL:
        local, at, domain = text.partition("@")
        return text.lower() if at and local and "." in domain else None
    return text


def split_tags(text: str) -> list[str]:
    """"vip, 投诉，billing" -> ["vip", "投诉", "billing"]: commas of either width, no blanks or repeats."""
    seen: list[str] = []
    for part in text.replace("，", ",").split(","):
        tag = part.strip()
        if tag and tag not in seen:
            seen.append(tag)
    return seen


def queue_text(entry: TimelineEntry) -> str:
    """The queue's name in the UI's language (its id when the edge gave no name)."""
    from desktop.i18n import ui_is_chinese

    if ui_is_chinese() and entry.queue_name_zh:
        return entry.queue_name_zh
    return entry.queue_name_en or entry.queue


def forms_text(entry: TimelineEntry) -> str:
    """The forms submitted for the interaction, one line: "📋 Billing form: Reason Refund · Amount 120"."""
    from desktop.i18n import ui_is_chinese

    zh = ui_is_chinese()
    parts = []
    for form in entry.forms:
        fields = " · ".join(f"{(f.label_zh if zh and f.label_zh else f.label_en)} {f.value}" for f in form.fields)
        parts.append(f"📋 {form.name}: {fields}" if fields else f"📋 {form.name}")
    return "  ".join(parts)
