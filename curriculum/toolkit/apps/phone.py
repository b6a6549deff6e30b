"""A smartphone's home screen and Settings (Cài đặt), for tasks done by tapping.

Older relatives, pupils and commune officials meet most technical problems on a phone: no
network, a full memory, text too small to read, an update that will not install, an app that
asks for more than it needs. :class:`Phone` is such a phone, simulated: a home screen with the
installed apps and notifications, the official app store, and the Settings screens where those
problems are solved:

============  ==================================================================================
screen        what the learner can do there
============  ==================================================================================
network       airplane mode, mobile data, and the way to the Wi-Fi list
wifi          turn Wi-Fi on or off; join a saved network, an open one, or a new one (password)
display       text size, brightness, automatic brightness, auto-lock, dark mode
battery       battery saver, optimised charging, plug the charger in; battery health
wellbeing     today's screen time per app; a daily limit per app; bedtime mode
privacy       for each permission (camera, microphone, location, contacts), which apps have it
apps          each app's source, size, last use and permissions; uninstall it
storage       what fills the memory; clear the apps' cache; delete large files (backed up or not)
update        check for and install the system update
backup        back up photos, videos and files now
============  ==================================================================================

Every tap is one action, recorded with what it did (``{"action": "set_text_size", "size":
"lon"}``), so a hidden test scores a task from the actions and from :attr:`Phone.state`
(``state["free_gb"]``, ``state["lost"]``: files deleted before they were backed up,
``state["joined"]``: networks joined, ``state["uninstalled"]``, ``state["ads_tapped"]``...).
Settings also has a search box, because "cỡ chữ" is easier to type than to find; it finds
settings whether the words are typed with or without Vietnamese marks.

The constructor takes the task: who owns the phone, its apps, files, Wi-Fi networks, starting
settings, a pending system update and advertising notifications. The defaults make an ordinary
phone; a task changes what it needs::

    cau_4 = Phone(
        "cau_4",
        "Câu 4: chỉnh cho chữ to hơn và bật dữ liệu di động cho bà",
        device="Điện thoại của bà Năm",
        settings={"mobile_data": False},
        sheet=phieu,
    )

Names, networks, files and apps other than the well-known public ones (Zalo, VNeID) are
invented; menu names on real phones differ between makers and versions, and the screens say so.
"""

from __future__ import annotations

import copy
import html
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import ipywidgets as widgets

from curriculum.toolkit.answers import AnswerSheet
from curriculum.toolkit.apps.app import AppTask, Refused

__all__ = [
    "BEDTIME_ENDS",
    "BEDTIME_STARTS",
    "DEFAULT_APPS",
    "DEFAULT_FILES",
    "DEFAULT_NETWORKS",
    "DEFAULT_SETTINGS",
    "LIMIT_MINUTES",
    "PERMISSIONS",
    "SCREEN_TIMEOUTS",
    "TEXT_SIZES",
    "Phone",
    "free_gb",
]

PERMISSIONS: dict[str, str] = {
    "camera": "Máy ảnh",
    "micro": "Micrô",
    "location": "Vị trí",
    "contacts": "Danh bạ",
}
"""The permissions the privacy screen manages, id -> name on the screen."""

TEXT_SIZES: dict[str, str] = {
    "nho": "Nhỏ",
    "mac_dinh": "Mặc định",
    "lon": "Lớn",
    "rat_lon": "Rất lớn",
}
"""Text sizes, smallest first, id -> name on the screen."""

_TEXT_PX = {"nho": 14, "mac_dinh": 16, "lon": 19, "rat_lon": 22}

SCREEN_TIMEOUTS: tuple[int, ...] = (15, 30, 60, 120, 300, 600)
"""Auto-lock delays offered, in seconds."""

LIMIT_MINUTES: tuple[int, ...] = (15, 30, 45, 60, 90, 120)
"""Daily app limits offered, in minutes."""

BEDTIME_STARTS: tuple[str, ...] = ("20:00", "20:30", "21:00", "21:30", "22:00", "22:30")
BEDTIME_ENDS: tuple[str, ...] = ("05:30", "06:00", "06:30", "07:00")

_SOURCES = {
    "system": "Ứng dụng có sẵn của máy",
    "store": "Kho ứng dụng chính thức của máy",
    "link": "Tệp tải về từ một đường link (không rõ nguồn)",
}

DEFAULT_APPS: tuple[dict[str, Any], ...] = (
    {
        "id": "dien_thoai",
        "name": "Điện thoại",
        "source": "system",
        "size_gb": 0.1,
        "permissions": {"micro": True, "contacts": True},
        "minutes": 12,
    },
    {
        "id": "tin_nhan",
        "name": "Tin nhắn",
        "source": "system",
        "size_gb": 0.1,
        "permissions": {"contacts": True},
        "minutes": 8,
    },
    {
        "id": "may_anh",
        "name": "Máy ảnh",
        "source": "system",
        "size_gb": 0.2,
        "permissions": {"camera": True, "micro": True, "location": False},
        "minutes": 5,
    },
    {"id": "kho_ung_dung", "name": "Kho ứng dụng", "source": "system", "size_gb": 0.2},
    {
        "id": "zalo",
        "name": "Zalo",
        "source": "store",
        "size_gb": 0.9,
        "cache_gb": 0.4,
        "permissions": {"camera": True, "micro": True, "contacts": True, "location": False},
        "minutes": 45,
    },
    {
        "id": "vneid",
        "name": "VNeID",
        "source": "store",
        "size_gb": 0.3,
        "cache_gb": 0.1,
        "permissions": {"camera": True, "location": False},
        "minutes": 3,
        "days_unused": 5,
    },
)
"""An ordinary phone's apps. Each app is a dict: ``id``, ``name``; optional ``source``
("system", "store" or "link"), ``size_gb``, ``cache_gb``, ``permissions`` (permission id ->
True, False, or None when not yet asked), ``asks`` (permissions it asks for when opened),
``minutes`` (screen time today), ``days_unused`` (days since last used; None: never used) and
``update`` (True when the store holds a newer version)."""

DEFAULT_FILES: tuple[dict[str, Any], ...] = (
    {
        "id": "video_hop",
        "name": "Video họp tổ dân phố.mp4",
        "size_gb": 1.2,
        "backed_up": True,
    },
    {
        "id": "anh_tet",
        "name": "Ảnh Tết (thư mục)",
        "size_gb": 0.8,
        "backed_up": True,
    },
)
"""Large files in the storage screen: ``id``, ``name``, ``size_gb``, ``backed_up``."""

DEFAULT_NETWORKS: tuple[dict[str, Any], ...] = (
    {"id": "nha_minh", "name": "Nha_Minh_5G", "secured": True, "saved": True},
    {"id": "wifi_free", "name": "WiFi_Mien_Phi", "secured": False, "saved": False},
)
"""Wi-Fi networks in range: ``id``, ``name``, ``secured`` (needs a password), ``saved`` (the
phone knows the password); a secured network that is not saved has its ``password``."""

DEFAULT_SETTINGS: dict[str, Any] = {
    "airplane": False,
    "wifi": True,
    "mobile_data": True,
    "text_size": "mac_dinh",
    "brightness": 60,
    "auto_brightness": True,
    "timeout": 60,
    "dark_mode": False,
    "battery": 70,
    "battery_health": 92,
    "charging": False,
    "battery_saver": False,
    "optimised_charging": False,
    "limits": {},
    "bedtime": {"on": False, "start": "22:00", "end": "06:30"},
}
"""Where the settings start; a task passes the ones it changes (``settings={...}``), and may
also pass ``connected``: the Wi-Fi network joined at the start (None: none). By default the phone
is on the first saved network in range, as a real one joins it by itself when Wi-Fi is on."""

_MENU: tuple[tuple[str, str], ...] = (
    ("network", "📶 Kết nối mạng: Wi-Fi, dữ liệu di động, chế độ máy bay"),
    ("display", "🔆 Màn hình: cỡ chữ, độ sáng, tự động khóa"),
    ("battery", "🔋 Pin và sạc"),
    ("wellbeing", "⏳ Thời gian sử dụng và giờ ngủ"),
    ("privacy", "🔒 Quyền riêng tư: quyền của ứng dụng"),
    ("apps", "📱 Ứng dụng"),
    ("storage", "💾 Bộ nhớ"),
    ("update", "⬇️ Cập nhật phần mềm"),
    ("backup", "☁️ Sao lưu"),
)
_TITLES = {
    "home": "Màn hình chính",
    "settings": "Cài đặt",
    "search": "Tìm trong Cài đặt",
    "network": "Kết nối mạng",
    "wifi": "Wi-Fi",
    "wifi_password": "Nhập mật khẩu Wi-Fi",
    "display": "Màn hình",
    "battery": "Pin và sạc",
    "battery_health": "Tình trạng pin",
    "wellbeing": "Thời gian sử dụng",
    "app_limit": "Giới hạn ứng dụng",
    "bedtime": "Chế độ giờ ngủ",
    "privacy": "Quyền riêng tư",
    "permission": "Quyền",
    "apps": "Ứng dụng",
    "app_info": "Thông tin ứng dụng",
    "confirm_uninstall": "Gỡ cài đặt",
    "storage": "Bộ nhớ",
    "confirm_delete": "Xóa tệp",
    "update": "Cập nhật phần mềm",
    "backup": "Sao lưu",
    "store": "Kho ứng dụng",
    "running": "Ứng dụng",
}
_PARENT = {
    "settings": "home",
    "store": "home",
    "running": "home",
    "search": "settings",
    **{screen: "settings" for screen, _ in _MENU},
    "wifi": "network",
    "wifi_password": "wifi",
    "battery_health": "battery",
    "app_limit": "wellbeing",
    "bedtime": "wellbeing",
    "permission": "privacy",
    "app_info": "apps",
    "confirm_uninstall": "app_info",
    "confirm_delete": "storage",
}
_OPENS = {
    "home": {"settings"},
    "settings": {screen for screen, _ in _MENU},
    "search": {screen for screen, _ in _MENU},
    "network": {"wifi"},
    "battery": {"battery_health"},
    "wellbeing": {"bedtime"},
}
# Words a learner may type to find a setting; matched without Vietnamese marks.
_KEYWORDS = {
    "network": (
        "wifi",
        "wi-fi",
        "mạng",
        "internet",
        "dữ liệu di động",
        "4g",
        "5g",
        "3g",
        "máy bay",
        "kết nối",
    ),
    "display": (
        "chữ",
        "cỡ chữ",
        "phông",
        "font",
        "độ sáng",
        "màn hình",
        "tự động khóa",
        "khóa màn hình",
        "chế độ tối",
        "nền tối",
    ),
    "battery": ("pin", "sạc", "tiết kiệm pin"),
    "wellbeing": (
        "thời gian",
        "giới hạn",
        "giờ ngủ",
        "trẻ em",
        "phụ huynh",
        "cha mẹ",
        "sức khỏe",
    ),
    "privacy": ("quyền", "riêng tư", "máy ảnh", "camera", "micrô", "micro", "vị trí", "danh bạ"),
    "apps": ("ứng dụng", "gỡ", "app"),
    "storage": ("bộ nhớ", "dung lượng", "bộ nhớ đệm", "xóa tệp", "đầy"),
    "update": ("cập nhật", "phần mềm", "hệ điều hành", "nâng cấp"),
    "backup": ("sao lưu", "backup"),
}
_MIN_UPDATE_BATTERY = 30


def _fold(typed: str) -> str:
    """``typed`` without case, Vietnamese marks or extra spaces: "Cỡ  CHỮ" and "co chu" match."""
    decomposed = unicodedata.normalize("NFD", typed.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def _gb(amount: float) -> str:
    """An amount of GB the Vietnamese way: 1,2 GB."""
    return f"{amount:.1f}".replace(".", ",") + " GB"


def _duration(minutes: int) -> str:
    hours, rest = divmod(int(minutes), 60)
    if hours and rest:
        return f"{hours} giờ {rest} phút"
    return f"{hours} giờ" if hours else f"{rest} phút"


def _seconds(seconds: int) -> str:
    return f"{seconds // 60} phút" if seconds >= 60 else f"{seconds} giây"


def free_gb(state: Mapping[str, Any]) -> float:
    """Free memory of a phone ``state``, in GB, to two decimals (a task's "enough space")."""
    used = state["other_gb"]
    used += sum(app["size_gb"] + app["cache_gb"] for app in state["apps"].values())
    used += sum(file["size_gb"] for file in state["files"].values())
    return round(state["capacity_gb"] - used, 2)


def _app(spec: Mapping[str, Any]) -> dict[str, Any]:
    """An app spec with every field filled in, checked for the task's author."""
    unknown = set(spec) - {
        "id",
        "name",
        "source",
        "size_gb",
        "cache_gb",
        "permissions",
        "asks",
        "minutes",
        "days_unused",
        "update",
    }
    if unknown or not spec.get("id") or not spec.get("name"):
        raise ValueError(f"an app needs an id and a name, and no other fields than known: {spec}")
    app = {
        "id": str(spec["id"]),
        "name": str(spec["name"]),
        "source": spec.get("source", "store"),
        "size_gb": float(spec.get("size_gb", 0.1)),
        "cache_gb": float(spec.get("cache_gb", 0.0)),
        "permissions": dict(spec.get("permissions", {})),
        "asks": list(spec.get("asks", ())),
        "minutes": int(spec.get("minutes", 0)),
        "days_unused": spec.get("days_unused", 0),
        "update": bool(spec.get("update", False)),
    }
    if app["source"] not in _SOURCES:
        raise ValueError(f"app {app['id']}: source must be one of {sorted(_SOURCES)}")
    permissions = set(app["permissions"]) | set(app["asks"])
    if not permissions <= set(PERMISSIONS):
        raise ValueError(f"app {app['id']}: permissions must be among {sorted(PERMISSIONS)}")
    for permission in app["asks"]:
        app["permissions"].setdefault(permission, None)
    return app


def _by_id(items: Iterable[Mapping[str, Any]], what: str) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for item in items:
        if not item.get("id") or item["id"] in found:
            raise ValueError(f"every {what} needs an id of its own: {item}")
        found[str(item["id"])] = dict(item)
    return found


class Phone(AppTask):
    """A smartphone: home screen, app store and Settings; ``value`` is the list of taps.

    Task parameters (all optional): ``device`` (the name at the top of the home screen),
    ``apps`` (replaces :data:`DEFAULT_APPS`) and ``extra_apps`` (added to them), ``files``,
    ``networks``, ``settings`` (changes to :data:`DEFAULT_SETTINGS`), ``capacity_gb`` and
    ``other_gb`` (memory taken by the system and small data), ``update`` (a pending system
    update: ``{"name": ..., "size_gb": ..., "needs_gb": ...}``, where ``needs_gb`` is the free
    space it needs) and ``ads`` (notifications on the home screen: ``{"id", "text", "button",
    "app"}``, tapping the button installs ``app`` from a link).
    """

    title = "Điện thoại (mô phỏng)"

    def __init__(
        self,
        qid: str,
        prompt: str,
        *,
        sheet: AnswerSheet,
        device: str = "Điện thoại của bạn",
        apps: Sequence[Mapping[str, Any]] = DEFAULT_APPS,
        extra_apps: Sequence[Mapping[str, Any]] = (),
        files: Sequence[Mapping[str, Any]] = DEFAULT_FILES,
        networks: Sequence[Mapping[str, Any]] = DEFAULT_NETWORKS,
        settings: Mapping[str, Any] | None = None,
        capacity_gb: float = 64.0,
        other_gb: float = 30.0,
        update: Mapping[str, Any] | None = None,
        ads: Sequence[Mapping[str, Any]] = (),
    ) -> None:
        unknown = set(settings or {}) - {*DEFAULT_SETTINGS, "connected"}
        if unknown:
            raise ValueError(f"unknown settings: {sorted(unknown)}")
        apps_by_id = _by_id([_app(spec) for spec in [*apps, *extra_apps]], "app")
        ads_by_id = _by_id(ads, "notification")
        for ad in ads_by_id.values():
            ad["app"] = _app({"source": "link", **ad["app"]})
        networks_by_id = _by_id(
            [{"secured": True, "saved": False, **net} for net in networks], "network"
        )
        files_by_id = _by_id([{"backed_up": False, **file} for file in files], "file")
        for file in files_by_id.values():
            file["size_gb"] = float(file["size_gb"])
        chosen = {**DEFAULT_SETTINGS, **(settings or {})}
        saved = [n for n, net in networks_by_id.items() if net["saved"]]
        connected = (settings or {}).get("connected", saved[0] if saved else None)
        if not chosen["wifi"] or chosen["airplane"]:
            connected = None
        start = {
            **copy.deepcopy(chosen),
            "connected": connected,
            "screen": "home",
            "selected": None,
            "dialog": None,
            "query": "",
            "device": device,
            "apps": apps_by_id,
            "files": files_by_id,
            "networks": networks_by_id,
            "capacity_gb": float(capacity_gb),
            "other_gb": float(other_gb),
            "update": (
                {
                    "name": str(update["name"]),
                    "size_gb": float(update["size_gb"]),
                    "needs_gb": float(update.get("needs_gb", update["size_gb"])),
                    "checked": False,
                    "installed": False,
                    "via": None,
                }
                if update
                else None
            ),
            "ads": ads_by_id,
            "ads_tapped": [],
            "joined": [],
            "uninstalled": [],
            "deleted": [],
            "lost": [],
            "backed_up_now": False,
            "checked_none": False,
            "cache_cleared": False,
        }
        if start["connected"] is not None:
            if start["connected"] not in start["networks"]:
                raise ValueError(f"connected to an unknown network: {start['connected']}")
            start["joined"].append(start["connected"])
        start["free_gb"] = free_gb(start)
        self._start_state = start
        super().__init__(qid, prompt, sheet=sheet)

    # The app's three parts.

    def start(self) -> dict[str, Any]:
        """A copy of the phone as the task sets it up."""
        return copy.deepcopy(self._start_state)

    def apply(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        """Change ``state`` for one tap, or refuse it with the reason the phone would give."""
        name = action["action"]
        if state["dialog"] is not None and name != "answer_permission":
            raise Refused(
                "Ứng dụng đang hỏi xin quyền: hãy bấm «Cho phép» hoặc «Không cho phép» trước."
            )
        handler = getattr(self, f"_do_{name}", None)
        if handler is None:
            raise Refused("Điện thoại không có nút này.")
        handler(state, action)
        state["free_gb"] = free_gb(state)

    def screen(self, state: dict[str, Any]) -> list[widgets.Widget]:
        """The widgets of the current screen, under a status bar."""
        parts: list[widgets.Widget] = [self._text(state, self._status_bar(state), small=True)]
        if state["screen"] != "home":
            parts.append(self._text(state, f"<b>{html.escape(self._title(state))}</b>"))
        parts.extend(self.screen_named(state))
        if state["dialog"] is not None:
            return [*parts[:1], *self._dialog(state)]
        if state["screen"] != "home":
            parts.append(self.button("◀ Quay lại", "back"))
            parts.append(self.button("⌂ Màn hình chính", "home"))
        return parts

    # Helpers for the screens.

    def _text(self, state: Mapping[str, Any], content: str, *, small: bool = False) -> widgets.HTML:
        """App's own HTML at the phone's text size (callers escape what they put in)."""
        px = _TEXT_PX[state["text_size"]] - (3 if small else 0)
        return self.note(f'<div style="font-size:{px}px">{content}</div>', escape=False)

    def _title(self, state: Mapping[str, Any]) -> str:
        screen = state["screen"]
        if screen == "permission":
            return f"Quyền: {PERMISSIONS[state['selected']]}"
        if screen in ("app_info", "app_limit", "running", "confirm_uninstall"):
            return f"{_TITLES[screen]}: {state['apps'][state['selected']]['name']}"
        return _TITLES[screen]

    def _status_bar(self, state: Mapping[str, Any]) -> str:
        parts = [f"🔋 {state['battery']}%" + (" ⚡ đang sạc" if state["charging"] else "")]
        if state["airplane"]:
            parts.append("✈️ Chế độ máy bay")
        if state["wifi"] and state["connected"]:
            parts.append(f"📶 Wi-Fi: {state['networks'][state['connected']]['name']}")
        elif state["wifi"]:
            parts.append("📶 Wi-Fi: chưa kết nối")
        if state["mobile_data"] and not state["airplane"]:
            parts.append("📱 Dữ liệu di động")
        if not _online(state):
            parts.append("⚠️ Không có Internet")
        return html.escape(" · ".join(parts))

    def _toggle(self, label: str, on: bool, action: str, **details: Any) -> widgets.Button:
        now = "Đang bật, bấm để tắt" if on else "Đang tắt, bấm để bật"
        return self.button(f"{label}: {now}", action, on=not on, **details)

    def _choices(
        self,
        state: Mapping[str, Any],
        heading: str,
        options: Iterable[tuple[Any, str]],
        current: Any,
        action: str,
        field: str,
        **details: Any,
    ) -> list[widgets.Widget]:
        parts: list[widgets.Widget] = [self._text(state, html.escape(heading))]
        for value, label in options:
            mark = "✓ " if value == current else ""
            parts.append(self.button(f"{mark}{label}", action, **{field: value, **details}))
        return parts

    def _dialog(self, state: Mapping[str, Any]) -> list[widgets.Widget]:
        app = state["apps"][state["dialog"]["app"]]["name"]
        permission = PERMISSIONS[state["dialog"]["permission"]].lower()
        return [
            self._text(
                state,
                f"<b>Cho phép «{html.escape(app)}» truy cập {html.escape(permission)} của bạn?</b>",
            ),
            self.button("Cho phép", "answer_permission", allow=True),
            self.button("Không cho phép", "answer_permission", allow=False),
        ]

    # Screens.

    def _screen_home(self, state: Mapping[str, Any]) -> list[widgets.Widget]:
        parts: list[widgets.Widget] = [
            self._text(state, f"<b>{html.escape(state['device'])}</b>"),
        ]
        for ad_id, ad in state["ads"].items():
            parts.append(self._text(state, f"🔔 {html.escape(ad['text'])}"))
            parts.append(self.button(ad["button"], "tap_ad", ad=ad_id))
            parts.append(self.button("Bỏ qua thông báo này", "dismiss_ad", ad=ad_id))
        for app_id, app in state["apps"].items():
            limit = state["limits"].get(app_id)
            over = " ⏳ hết giờ hôm nay" if limit and app["minutes"] >= limit else ""
            parts.append(self.button(f"▢ {app['name']}{over}", "open_app", app=app_id))
        parts.append(self.button("⚙️ Cài đặt", "open", screen="settings"))
        return parts

    def _screen_running(self, state: Mapping[str, Any]) -> list[widgets.Widget]:
        app = state["apps"][state["selected"]]
        return [self._text(state, f"«{html.escape(app['name'])}» đang mở (màn hình mô phỏng).")]

    def _screen_store(self, state: Mapping[str, Any]) -> list[widgets.Widget]:
        waiting = [(a, app) for a, app in state["apps"].items() if app["update"]]
        parts: list[widgets.Widget] = [
            self._text(
                state,
                "Kho ứng dụng chính thức của máy. "
                + (
                    f"Có {len(waiting)} ứng dụng có bản cập nhật."
                    if waiting
                    else "Mọi ứng dụng đều đã được cập nhật."
                ),
            )
        ]
        for app_id, app in waiting:
            parts.append(self.button(f"Cập nhật {app['name']}", "update_app", app=app_id))
        if len(waiting) > 1:
            parts.append(self.button("Cập nhật tất cả", "update_all"))
        return parts

    def _screen_settings(self, state: Mapping[str, Any]) -> list[widgets.Widget]:
        return [
            self.form({"query": "Tìm trong Cài đặt"}, "🔍 Tìm", "search_settings"),
            *[self.button(label, "open", screen=screen) for screen, label in _MENU],
            self._text(
                state,
                "<i>Tên các mục trên điện thoại thật khác nhau giữa các hãng, các phiên bản.</i>",
                small=True,
            ),
        ]

    def _screen_search(self, state: Mapping[str, Any]) -> list[widgets.Widget]:
        found = _search(state["query"])
        parts: list[widgets.Widget] = [
            self._text(state, f"Kết quả cho «{html.escape(state['query'])}»:"),
            self.form({"query": "Tìm trong Cài đặt"}, "🔍 Tìm", "search_settings"),
        ]
        labels = dict(_MENU)
        parts.extend(self.button(labels[screen], "open", screen=screen) for screen in found)
        if not found:
            parts.append(self._text(state, "Không tìm thấy mục nào. Thử gõ từ khác."))
        return parts

    def _screen_network(self, state: Mapping[str, Any]) -> list[widgets.Widget]:
        wifi = "đang bật" if state["wifi"] else "đang tắt"
        if state["wifi"] and state["connected"]:
            wifi = f"đã kết nối {state['networks'][state['connected']]['name']}"
        return [
            self._toggle("✈️ Chế độ máy bay", state["airplane"], "set_airplane"),
            self.button(f"📶 Wi-Fi ({wifi})", "open", screen="wifi"),
            self._toggle("📱 Dữ liệu di động", state["mobile_data"], "set_mobile_data"),
            self._text(
                state,
                "Dữ liệu di động dùng gói cước của nhà mạng; chế độ máy bay tắt mọi kết nối.",
                small=True,
            ),
        ]

    def _screen_wifi(self, state: Mapping[str, Any]) -> list[widgets.Widget]:
        parts: list[widgets.Widget] = [self._toggle("Wi-Fi", state["wifi"], "set_wifi")]
        if not state["wifi"]:
            return parts
        parts.append(self._text(state, "Các mạng Wi-Fi ở gần:"))
        for net_id, net in state["networks"].items():
            if state["connected"] == net_id:
                parts.append(self._text(state, f"✅ {html.escape(net['name'])}: đã kết nối"))
                continue
            if not net["secured"]:
                label = f"🔓 {net['name']} (mạng mở, không có mật khẩu, không bảo mật)"
                parts.append(self.button(label, "connect_wifi", network=net_id))
            elif net["saved"]:
                label = f"🔒 {net['name']} (đã lưu)"
                parts.append(self.button(label, "connect_wifi", network=net_id))
            else:
                label = f"🔒 {net['name']} (cần mật khẩu)"
                parts.append(self.button(label, "choose_wifi", network=net_id))
        return parts

    def _screen_wifi_password(self, state: Mapping[str, Any]) -> list[widgets.Widget]:
        name = state["networks"][state["selected"]]["name"]
        return [
            self._text(state, f"Mạng: <b>{html.escape(name)}</b>"),
            self.form(
                {"password": "Mật khẩu"}, "Kết nối", "connect_wifi", network=state["selected"]
            ),
        ]

    def _screen_display(self, state: Mapping[str, Any]) -> list[widgets.Widget]:
        parts = self._choices(
            state,
            f"Cỡ chữ (đang: {TEXT_SIZES[state['text_size']]})",
            TEXT_SIZES.items(),
            state["text_size"],
            "set_text_size",
            "size",
        )
        level = state["brightness"]
        parts.append(self._text(state, f"Độ sáng màn hình: {level}%"))
        if level > 10:
            parts.append(self.button("🔅 Giảm độ sáng", "set_brightness", level=level - 10))
        if level < 100:
            parts.append(self.button("🔆 Tăng độ sáng", "set_brightness", level=level + 10))
        parts.append(
            self._toggle("Độ sáng tự động", state["auto_brightness"], "set_auto_brightness")
        )
        parts.extend(
            self._choices(
                state,
                f"Tự động khóa màn hình sau (đang: {_seconds(state['timeout'])})",
                ((s, _seconds(s)) for s in SCREEN_TIMEOUTS),
                state["timeout"],
                "set_timeout",
                "seconds",
            )
        )
        parts.append(self._toggle("Chế độ tối (nền tối)", state["dark_mode"], "set_dark_mode"))
        return parts

    def _screen_battery(self, state: Mapping[str, Any]) -> list[widgets.Widget]:
        charging = "đang sạc" if state["charging"] else "không sạc"
        return [
            self._text(state, f"Pin còn {state['battery']}% ({charging})."),
            self._toggle("Tiết kiệm pin", state["battery_saver"], "set_battery_saver"),
            self._text(
                state,
                "Tiết kiệm pin: giảm hoạt động chạy nền, hiệu ứng và độ sáng để pin dùng lâu hơn "
                "trong ngày.",
                small=True,
            ),
            self._toggle(
                "Sạc tối ưu (bảo vệ pin)", state["optimised_charging"], "set_optimised_charging"
            ),
            self._text(
                state,
                "Sạc tối ưu: khi sạc qua đêm, máy giữ pin ở khoảng 80% và chỉ sạc đầy gần lúc "
                "bạn dậy, để pin chai chậm hơn (tên và cách làm khác nhau giữa các hãng).",
                small=True,
            ),
            self.button("Tình trạng pin", "open", screen="battery_health"),
            self.button(
                "🔌 Rút sạc" if state["charging"] else "🔌 Cắm sạc",
                "set_charging",
                on=not state["charging"],
            ),
        ]

    def _screen_battery_health(self, state: Mapping[str, Any]) -> list[widgets.Widget]:
        health = state["battery_health"]
        advice = (
            "Pin còn tốt."
            if health >= 80
            else "Pin đã chai: có thể thay pin ở trung tâm bảo hành hoặc cửa hàng sửa chữa tin "
            "cậy thay vì đổi máy mới."
        )
        return [
            self._text(
                state, f"Dung lượng tối đa của pin: <b>{health}%</b> so với khi mới. {advice}"
            )
        ]

    def _screen_wellbeing(self, state: Mapping[str, Any]) -> list[widgets.Widget]:
        used = sorted(
            (app for app in state["apps"].items() if app[1]["minutes"]),
            key=lambda item: -item[1]["minutes"],
        )
        total = sum(app["minutes"] for _, app in used)
        parts: list[widgets.Widget] = [
            self._text(state, f"Hôm nay đã dùng màn hình <b>{_duration(total)}</b>:")
        ]
        for app_id, app in used:
            limit = state["limits"].get(app_id)
            limit_text = f"giới hạn {_duration(limit)}/ngày" if limit else "chưa giới hạn"
            parts.append(
                self.button(
                    f"{app['name']}: {_duration(app['minutes'])} ({limit_text})",
                    "open_limit",
                    app=app_id,
                )
            )
        bedtime = state["bedtime"]
        when = f"{bedtime['start']} đến {bedtime['end']}"
        parts.append(
            self.button(
                f"🌙 Chế độ giờ ngủ: {'bật, ' + when if bedtime['on'] else 'tắt'}",
                "open",
                screen="bedtime",
            )
        )
        return parts

    def _screen_app_limit(self, state: Mapping[str, Any]) -> list[widgets.Widget]:
        app_id = state["selected"]
        current = state["limits"].get(app_id, 0)
        options = [(m, f"{_duration(m)} mỗi ngày") for m in LIMIT_MINUTES]
        parts = self._choices(
            state,
            "Khi hết thời gian, ứng dụng tạm khóa đến hết ngày.",
            [*options, (0, "Không giới hạn")],
            current,
            "set_limit",
            "minutes",
            app=app_id,
        )
        return parts

    def _screen_bedtime(self, state: Mapping[str, Any]) -> list[widgets.Widget]:
        bedtime = state["bedtime"]
        parts: list[widgets.Widget] = [
            self._text(
                state,
                "Trong giờ ngủ, màn hình chuyển sang đen trắng và máy tắt thông báo "
                "(chế độ Không làm phiền).",
                small=True,
            ),
            self._toggle("Chế độ giờ ngủ", bedtime["on"], "set_bedtime"),
        ]
        parts.extend(
            self._choices(
                state,
                "Bắt đầu lúc:",
                ((t, t) for t in BEDTIME_STARTS),
                bedtime["start"],
                "set_bedtime_start",
                "time",
            )
        )
        parts.extend(
            self._choices(
                state,
                "Kết thúc lúc:",
                ((t, f"{t} sáng") for t in BEDTIME_ENDS),
                bedtime["end"],
                "set_bedtime_end",
                "time",
            )
        )
        return parts

    def _screen_privacy(self, state: Mapping[str, Any]) -> list[widgets.Widget]:
        parts: list[widgets.Widget] = [
            self._text(state, "Trình quản lý quyền: ứng dụng nào được dùng gì trên máy.")
        ]
        for permission, name in PERMISSIONS.items():
            allowed = sum(1 for app in state["apps"].values() if app["permissions"].get(permission))
            parts.append(
                self.button(
                    f"{name}: {allowed} ứng dụng được phép",
                    "open_permission",
                    permission=permission,
                )
            )
        return parts

    def _permission_row(
        self, state: Mapping[str, Any], app_id: str, permission: str, label: str
    ) -> widgets.Button:
        allowed = state["apps"][app_id]["permissions"].get(permission)
        now = {True: "được phép", False: "không cho phép", None: "chưa hỏi"}[allowed]
        verb = "bấm để tắt" if allowed else "bấm để cho phép"
        return self.button(
            f"{label}: {now}, {verb}",
            "set_permission",
            app=app_id,
            permission=permission,
            allow=not allowed,
        )

    def _screen_permission(self, state: Mapping[str, Any]) -> list[widgets.Widget]:
        permission = state["selected"]
        rows = [
            self._permission_row(state, app_id, permission, app["name"])
            for app_id, app in state["apps"].items()
            if permission in app["permissions"]
        ]
        if not rows:
            return [self._text(state, "Không ứng dụng nào xin quyền này.")]
        return rows

    def _screen_apps(self, state: Mapping[str, Any]) -> list[widgets.Widget]:
        return [
            self.button(f"{app['name']} ({_gb(app['size_gb'])})", "open_app_info", app=app_id)
            for app_id, app in state["apps"].items()
        ]

    def _screen_app_info(self, state: Mapping[str, Any]) -> list[widgets.Widget]:
        app_id = state["selected"]
        app = state["apps"][app_id]
        days = app["days_unused"]
        last = (
            "chưa dùng lần nào"
            if days is None
            else "hôm nay"
            if days == 0
            else f"{days} ngày trước"
        )
        facts = (
            f"Nguồn cài đặt: {_SOURCES[app['source']]}<br>"
            f"Dung lượng: {_gb(app['size_gb'])}; bộ nhớ đệm: {_gb(app['cache_gb'])}<br>"
            f"Dùng lần cuối: {last}"
        )
        parts: list[widgets.Widget] = [self._text(state, facts)]
        if app["permissions"]:
            parts.append(self._text(state, "Quyền của ứng dụng:"))
            parts.extend(
                self._permission_row(state, app_id, permission, PERMISSIONS[permission])
                for permission in PERMISSIONS
                if permission in app["permissions"]
            )
        if app["source"] != "system":
            parts.append(self.button("🗑 Gỡ cài đặt", "ask_uninstall", app=app_id))
        return parts

    def _screen_confirm_uninstall(self, state: Mapping[str, Any]) -> list[widgets.Widget]:
        app_id = state["selected"]
        name = state["apps"][app_id]["name"]
        return [
            self._text(
                state,
                f"Gỡ «{html.escape(name)}»? Dữ liệu của ứng dụng trên máy sẽ bị xóa.",
            ),
            self.button("Gỡ cài đặt", "confirm_uninstall", app=app_id),
        ]

    def _screen_storage(self, state: Mapping[str, Any]) -> list[widgets.Widget]:
        apps_gb = sum(app["size_gb"] for app in state["apps"].values())
        cache_gb = sum(app["cache_gb"] for app in state["apps"].values())
        files_gb = sum(file["size_gb"] for file in state["files"].values())
        used = state["capacity_gb"] - state["free_gb"]
        summary = (
            f"Đã dùng <b>{_gb(used)}</b> trên {_gb(state['capacity_gb'])}, "
            f"còn trống <b>{_gb(state['free_gb'])}</b>.<br>"
            f"Hệ thống và dữ liệu khác: {_gb(state['other_gb'])} · Ứng dụng: {_gb(apps_gb)} · "
            f"Bộ nhớ đệm của ứng dụng: {_gb(cache_gb)} · Tệp lớn: {_gb(files_gb)}"
        )
        parts: list[widgets.Widget] = [self._text(state, summary)]
        if cache_gb > 0:
            parts.append(
                self.button(
                    f"🧹 Xóa bộ nhớ đệm của các ứng dụng ({_gb(cache_gb)}; không mất ảnh, "
                    "tin nhắn, tài khoản)",
                    "clear_cache",
                )
            )
        if state["files"]:
            parts.append(self._text(state, "Tệp lớn (lớn nhất trước):"))
        for file_id, file in sorted(state["files"].items(), key=lambda f: -f[1]["size_gb"]):
            backed = "đã sao lưu ✓" if file["backed_up"] else "⚠️ CHƯA sao lưu"
            parts.append(
                self.button(
                    f"🗑 Xóa {file['name']} ({_gb(file['size_gb'])}, {backed})",
                    "ask_delete",
                    file=file_id,
                )
            )
        return parts

    def _screen_confirm_delete(self, state: Mapping[str, Any]) -> list[widgets.Widget]:
        file_id = state["selected"]
        file = state["files"][file_id]
        warning = (
            "Tệp đã có bản sao lưu."
            if file["backed_up"]
            else "⚠️ Tệp CHƯA được sao lưu: xóa là mất hẳn."
        )
        return [
            self._text(
                state,
                f"Xóa vĩnh viễn «{html.escape(file['name'])}» ({_gb(file['size_gb'])})? {warning}",
            ),
            self.button("Xóa", "confirm_delete", file=file_id),
        ]

    def _screen_update(self, state: Mapping[str, Any]) -> list[widgets.Widget]:
        update = state["update"]
        if update is not None and update["installed"]:
            return [self._text(state, f"✅ Đã cài {html.escape(update['name'])}. Máy đã mới nhất.")]
        if update is None or not update["checked"]:
            parts: list[widgets.Widget] = [self.button("Kiểm tra bản cập nhật", "check_update")]
            if update is None and state["checked_none"]:
                parts.insert(0, self._text(state, "Phần mềm của máy đã là bản mới nhất."))
            return parts
        return [
            self._text(
                state,
                f"Có bản cập nhật: <b>{html.escape(update['name'])}</b>, tải về "
                f"{_gb(update['size_gb'])}, cần trống ít nhất {_gb(update['needs_gb'])} để "
                f"cài. Nên tải qua Wi-Fi và để pin trên {_MIN_UPDATE_BATTERY}% hoặc cắm sạc.",
            ),
            self.button("Tải về và cài đặt", "install_update"),
        ]

    def _screen_backup(self, state: Mapping[str, Any]) -> list[widgets.Widget]:
        waiting = [f for f in state["files"].values() if not f["backed_up"]]
        status = (
            f"{len(waiting)} tệp chưa được sao lưu." if waiting else "Mọi tệp đều đã được sao lưu."
        )
        return [
            self._text(
                state,
                "Sao lưu ảnh, video, tệp vào tài khoản của bạn (tài khoản mô phỏng) khi có Wi-Fi. "
                + status,
            ),
            self.button("Sao lưu ngay", "back_up_now"),
        ]

    # Actions: one method each, named _do_<action>.

    def _do_open(self, state: dict[str, Any], action: Mapping[str, Any]) -> None:
        target = action.get("screen")
        if target not in _OPENS.get(state["screen"], set()):
            raise Refused("Màn hình này không có mục đó.")
        state["screen"] = target

    def _do_back(self, state: dict[str, Any], _action: Mapping[str, Any]) -> None:
        if state["screen"] == "home":
            raise Refused("Bạn đang ở màn hình chính.")
        state["screen"] = _PARENT[state["screen"]]
        if state["screen"] != "app_info":  # the only screen above another that keeps its item
            state["selected"] = None

    def _do_home(self, state: dict[str, Any], _action: Mapping[str, Any]) -> None:
        state["screen"] = "home"
        state["selected"] = None

    def _need(self, state: Mapping[str, Any], *screens: str) -> None:
        if state["screen"] not in screens:
            raise Refused("Màn hình này không có nút đó.")

    def _app_of(self, state: Mapping[str, Any], action: Mapping[str, Any]) -> str:
        app_id = action.get("app")
        if app_id not in state["apps"]:
            raise Refused("Không có ứng dụng này trên máy.")
        return app_id

    def _do_open_app(self, state: dict[str, Any], action: Mapping[str, Any]) -> None:
        self._need(state, "home")
        app_id = self._app_of(state, action)
        app = state["apps"][app_id]
        limit = state["limits"].get(app_id)
        if limit and app["minutes"] >= limit:
            raise Refused(f"«{app['name']}» đã hết thời gian dùng hôm nay ({_duration(limit)}).")
        if app_id == "kho_ung_dung":
            state["screen"] = "store"
            return
        state["screen"] = "running"
        state["selected"] = app_id
        asking = [p for p in app["asks"] if app["permissions"].get(p) is None]
        if asking:
            state["dialog"] = {"app": app_id, "permission": asking[0]}

    def _do_answer_permission(self, state: dict[str, Any], action: Mapping[str, Any]) -> None:
        dialog = state["dialog"]
        if dialog is None:
            raise Refused("Không có câu hỏi xin quyền nào đang mở.")
        allow = action.get("allow")
        if not isinstance(allow, bool):
            raise Refused("Hãy bấm «Cho phép» hoặc «Không cho phép».")
        app = state["apps"][dialog["app"]]
        app["permissions"][dialog["permission"]] = allow
        asking = [p for p in app["asks"] if app["permissions"].get(p) is None]
        state["dialog"] = {"app": dialog["app"], "permission": asking[0]} if asking else None

    def _ad_of(self, state: Mapping[str, Any], action: Mapping[str, Any]) -> str:
        self._need(state, "home")
        ad_id = action.get("ad")
        if ad_id not in state["ads"]:
            raise Refused("Thông báo này không còn nữa.")
        return ad_id

    def _do_tap_ad(self, state: dict[str, Any], action: Mapping[str, Any]) -> None:
        ad_id = self._ad_of(state, action)
        ad = state["ads"].pop(ad_id)
        state["ads_tapped"].append(ad_id)
        app = copy.deepcopy(ad["app"])
        state["apps"][app["id"]] = app
        if free_gb(state) < 0:
            del state["apps"][app["id"]]
            raise Refused("Bộ nhớ đầy, không cài thêm được ứng dụng.")

    def _do_dismiss_ad(self, state: dict[str, Any], action: Mapping[str, Any]) -> None:
        del state["ads"][self._ad_of(state, action)]

    def _do_search_settings(self, state: dict[str, Any], action: Mapping[str, Any]) -> None:
        self._need(state, "settings", "search")
        query = str(action.get("query") or "").strip()
        if not _fold(query):
            raise Refused("Hãy gõ điều cần tìm, ví dụ: cỡ chữ.")
        state["query"] = query
        state["screen"] = "search"

    def _switch(self, action: Mapping[str, Any]) -> bool:
        on = action.get("on")
        if not isinstance(on, bool):
            raise Refused("Nút này chỉ bật hoặc tắt.")
        return on

    def _do_set_airplane(self, state: dict[str, Any], action: Mapping[str, Any]) -> None:
        self._need(state, "network")
        state["airplane"] = self._switch(action)
        if state["airplane"]:
            state["wifi"] = False
            state["connected"] = None

    def _do_set_mobile_data(self, state: dict[str, Any], action: Mapping[str, Any]) -> None:
        self._need(state, "network")
        state["mobile_data"] = self._switch(action)

    def _do_set_wifi(self, state: dict[str, Any], action: Mapping[str, Any]) -> None:
        self._need(state, "wifi")
        state["wifi"] = self._switch(action)
        state["connected"] = None
        if state["wifi"]:
            # A phone joins a saved network in range by itself.
            saved = [n for n, net in state["networks"].items() if net["saved"]]
            if saved:
                self._join(state, saved[0])

    def _join(self, state: dict[str, Any], network: str) -> None:
        state["connected"] = network
        if network not in state["joined"]:
            state["joined"].append(network)

    def _network_of(self, state: Mapping[str, Any], action: Mapping[str, Any]) -> str:
        network = action.get("network")
        if network not in state["networks"]:
            raise Refused("Không thấy mạng Wi-Fi này.")
        if not state["wifi"]:
            raise Refused("Wi-Fi đang tắt: hãy bật Wi-Fi trước.")
        return network

    def _do_choose_wifi(self, state: dict[str, Any], action: Mapping[str, Any]) -> None:
        self._need(state, "wifi")
        network = self._network_of(state, action)
        state["selected"] = network
        state["screen"] = "wifi_password"

    def _do_connect_wifi(self, state: dict[str, Any], action: Mapping[str, Any]) -> None:
        self._need(state, "wifi", "wifi_password")
        network = self._network_of(state, action)
        net = state["networks"][network]
        if net["secured"] and not net["saved"]:
            typed = str(action.get("password") or "").strip()
            if not typed:
                raise Refused("Mạng này cần mật khẩu: hãy gõ mật khẩu.")
            if typed != str(net.get("password", "")):
                raise Refused("Sai mật khẩu Wi-Fi. Mật khẩu phân biệt chữ hoa, chữ thường.")
            net["saved"] = True
        self._join(state, network)
        state["screen"] = "wifi"
        state["selected"] = None

    def _do_set_text_size(self, state: dict[str, Any], action: Mapping[str, Any]) -> None:
        self._need(state, "display")
        if action.get("size") not in TEXT_SIZES:
            raise Refused("Không có cỡ chữ này.")
        state["text_size"] = action["size"]

    def _do_set_brightness(self, state: dict[str, Any], action: Mapping[str, Any]) -> None:
        self._need(state, "display")
        level = action.get("level")
        if not isinstance(level, int) or isinstance(level, bool) or not 10 <= level <= 100:
            raise Refused("Độ sáng từ 10% đến 100%.")
        state["brightness"] = level

    def _do_set_auto_brightness(self, state: dict[str, Any], action: Mapping[str, Any]) -> None:
        self._need(state, "display")
        state["auto_brightness"] = self._switch(action)

    def _do_set_timeout(self, state: dict[str, Any], action: Mapping[str, Any]) -> None:
        self._need(state, "display")
        if action.get("seconds") not in SCREEN_TIMEOUTS:
            raise Refused("Không có lựa chọn này.")
        state["timeout"] = action["seconds"]

    def _do_set_dark_mode(self, state: dict[str, Any], action: Mapping[str, Any]) -> None:
        self._need(state, "display")
        state["dark_mode"] = self._switch(action)

    def _do_set_battery_saver(self, state: dict[str, Any], action: Mapping[str, Any]) -> None:
        self._need(state, "battery")
        state["battery_saver"] = self._switch(action)

    def _do_set_optimised_charging(self, state: dict[str, Any], action: Mapping[str, Any]) -> None:
        self._need(state, "battery")
        state["optimised_charging"] = self._switch(action)

    def _do_set_charging(self, state: dict[str, Any], action: Mapping[str, Any]) -> None:
        self._need(state, "battery")
        state["charging"] = self._switch(action)

    def _do_open_limit(self, state: dict[str, Any], action: Mapping[str, Any]) -> None:
        self._need(state, "wellbeing")
        state["selected"] = self._app_of(state, action)
        state["screen"] = "app_limit"

    def _do_set_limit(self, state: dict[str, Any], action: Mapping[str, Any]) -> None:
        self._need(state, "app_limit")
        app_id = self._app_of(state, action)
        if app_id != state["selected"]:
            raise Refused("Màn hình này đặt giới hạn cho ứng dụng khác.")
        minutes = action.get("minutes")
        if minutes != 0 and minutes not in LIMIT_MINUTES:
            raise Refused("Không có lựa chọn này.")
        if minutes:
            state["limits"][app_id] = minutes
        else:
            state["limits"].pop(app_id, None)
        state["screen"] = "wellbeing"
        state["selected"] = None

    def _do_set_bedtime(self, state: dict[str, Any], action: Mapping[str, Any]) -> None:
        self._need(state, "bedtime")
        state["bedtime"]["on"] = self._switch(action)

    def _do_set_bedtime_start(self, state: dict[str, Any], action: Mapping[str, Any]) -> None:
        self._need(state, "bedtime")
        if action.get("time") not in BEDTIME_STARTS:
            raise Refused("Không có giờ này.")
        state["bedtime"]["start"] = action["time"]

    def _do_set_bedtime_end(self, state: dict[str, Any], action: Mapping[str, Any]) -> None:
        self._need(state, "bedtime")
        if action.get("time") not in BEDTIME_ENDS:
            raise Refused("Không có giờ này.")
        state["bedtime"]["end"] = action["time"]

    def _do_open_permission(self, state: dict[str, Any], action: Mapping[str, Any]) -> None:
        self._need(state, "privacy")
        if action.get("permission") not in PERMISSIONS:
            raise Refused("Không có quyền này.")
        state["selected"] = action["permission"]
        state["screen"] = "permission"

    def _do_set_permission(self, state: dict[str, Any], action: Mapping[str, Any]) -> None:
        self._need(state, "permission", "app_info")
        app_id = self._app_of(state, action)
        permission = action.get("permission")
        allow = action.get("allow")
        here = (
            state["selected"] == permission
            if state["screen"] == "permission"
            else state["selected"] == app_id
        )
        app = state["apps"][app_id]
        if not here or permission not in app["permissions"] or not isinstance(allow, bool):
            raise Refused("Màn hình này không có nút đó.")
        app["permissions"][permission] = allow

    def _do_open_app_info(self, state: dict[str, Any], action: Mapping[str, Any]) -> None:
        self._need(state, "apps")
        state["selected"] = self._app_of(state, action)
        state["screen"] = "app_info"

    def _do_ask_uninstall(self, state: dict[str, Any], action: Mapping[str, Any]) -> None:
        self._need(state, "app_info")
        app_id = self._app_of(state, action)
        if app_id != state["selected"]:
            raise Refused("Màn hình này là của ứng dụng khác.")
        if state["apps"][app_id]["source"] == "system":
            raise Refused("Ứng dụng có sẵn của máy, không gỡ được.")
        state["screen"] = "confirm_uninstall"

    def _do_confirm_uninstall(self, state: dict[str, Any], action: Mapping[str, Any]) -> None:
        self._need(state, "confirm_uninstall")
        app_id = self._app_of(state, action)
        if app_id != state["selected"]:
            raise Refused("Màn hình này là của ứng dụng khác.")
        del state["apps"][app_id]
        state["limits"].pop(app_id, None)
        state["uninstalled"].append(app_id)
        state["screen"] = "apps"
        state["selected"] = None

    def _do_clear_cache(self, state: dict[str, Any], _action: Mapping[str, Any]) -> None:
        self._need(state, "storage")
        if not any(app["cache_gb"] for app in state["apps"].values()):
            raise Refused("Bộ nhớ đệm đã trống.")
        for app in state["apps"].values():
            app["cache_gb"] = 0.0
        state["cache_cleared"] = True

    def _file_of(self, state: Mapping[str, Any], action: Mapping[str, Any]) -> str:
        file_id = action.get("file")
        if file_id not in state["files"]:
            raise Refused("Không có tệp này.")
        return file_id

    def _do_ask_delete(self, state: dict[str, Any], action: Mapping[str, Any]) -> None:
        self._need(state, "storage")
        state["selected"] = self._file_of(state, action)
        state["screen"] = "confirm_delete"

    def _do_confirm_delete(self, state: dict[str, Any], action: Mapping[str, Any]) -> None:
        self._need(state, "confirm_delete")
        file_id = self._file_of(state, action)
        if file_id != state["selected"]:
            raise Refused("Màn hình này hỏi về tệp khác.")
        file = state["files"].pop(file_id)
        state["deleted"].append(file_id)
        if not file["backed_up"]:
            state["lost"].append(file_id)
        state["screen"] = "storage"
        state["selected"] = None

    def _do_check_update(self, state: dict[str, Any], _action: Mapping[str, Any]) -> None:
        self._need(state, "update")
        if not _online(state):
            raise Refused("Không có kết nối Internet để kiểm tra bản cập nhật.")
        if state["update"] is None:
            state["checked_none"] = True
        else:
            state["update"]["checked"] = True

    def _do_install_update(self, state: dict[str, Any], _action: Mapping[str, Any]) -> None:
        self._need(state, "update")
        update = state["update"]
        if update is None or not update["checked"] or update["installed"]:
            raise Refused("Chưa có bản cập nhật nào để cài: hãy bấm «Kiểm tra bản cập nhật».")
        if not (state["wifi"] and state["connected"]):
            raise Refused(
                f"Bản cập nhật nặng {_gb(update['size_gb'])}: máy chỉ tải khi có Wi-Fi. "
                "Hãy kết nối Wi-Fi."
            )
        if state["free_gb"] < update["needs_gb"]:
            raise Refused(
                f"Không đủ bộ nhớ: cần trống ít nhất {_gb(update['needs_gb'])}, máy còn "
                f"{_gb(state['free_gb'])}. Hãy giải phóng bộ nhớ (mục Bộ nhớ trong Cài đặt)."
            )
        if state["battery"] < _MIN_UPDATE_BATTERY and not state["charging"]:
            raise Refused(
                f"Pin dưới {_MIN_UPDATE_BATTERY}%: hãy cắm sạc (mục Pin và sạc) rồi cài lại."
            )
        update["installed"] = True
        update["via"] = state["connected"]

    def _do_update_app(self, state: dict[str, Any], action: Mapping[str, Any]) -> None:
        self._need(state, "store")
        app_id = self._app_of(state, action)
        if not state["apps"][app_id]["update"]:
            raise Refused("Ứng dụng này đã là bản mới nhất.")
        if not _online(state):
            raise Refused("Không có kết nối Internet.")
        state["apps"][app_id]["update"] = False

    def _do_update_all(self, state: dict[str, Any], _action: Mapping[str, Any]) -> None:
        self._need(state, "store")
        waiting = [app for app in state["apps"].values() if app["update"]]
        if not waiting:
            raise Refused("Mọi ứng dụng đều đã được cập nhật.")
        if not _online(state):
            raise Refused("Không có kết nối Internet.")
        for app in waiting:
            app["update"] = False

    def _do_back_up_now(self, state: dict[str, Any], _action: Mapping[str, Any]) -> None:
        self._need(state, "backup")
        if not (state["wifi"] and state["connected"]):
            raise Refused("Sao lưu chạy khi có Wi-Fi: hãy kết nối Wi-Fi.")
        for file in state["files"].values():
            file["backed_up"] = True
        state["backed_up_now"] = True


def _online(state: Mapping[str, Any]) -> bool:
    """Whether the phone reaches the Internet, by Wi-Fi or by mobile data."""
    by_wifi = state["wifi"] and state["connected"] is not None
    return bool(by_wifi or (state["mobile_data"] and not state["airplane"]))


def _search(query: str) -> list[str]:
    """Settings screens whose words match ``query`` (either contains the other, marks aside)."""
    wanted = _fold(query)
    if not wanted:
        return []
    found = []
    for screen, words in _KEYWORDS.items():
        folded = [_fold(word) for word in words]
        if any(word in wanted or (len(wanted) >= 2 and wanted in word) for word in folded):
            found.append(screen)
    return found
