"""User-visible words shared by several widgets: states, link states, error explanations.

Kept in one place so the same thing is called the same way everywhere (and
translated once). Every string goes through QCoreApplication.translate so
pyside6-lupdate finds it.
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from desktop.i18n import ui_is_chinese
from edge_server.contract.errors import ErrorCode, SwitchboardError
from edge_server.contract.messages import AgentState


def state_name(state: AgentState) -> str:
    match state:
        case AgentState.READY:
            return QCoreApplication.translate("State", "Ready")
        case AgentState.NOT_READY:
            return QCoreApplication.translate("State", "Not Ready")
        case AgentState.ACW:
            return QCoreApplication.translate("State", "After-Call Work")
        case AgentState.LOGGED_OUT:
            return QCoreApplication.translate("State", "Logged Out")
    return str(state)


def state_with_reason(state: AgentState, reason_label: str) -> str:
    """"Not Ready – Lunch"; the state alone when there is no reason."""
    if not reason_label:
        return state_name(state)
    return QCoreApplication.translate("State", "{state} – {reason}").format(
        state=state_name(state), reason=reason_label
    )


# Values of edge_server.bus.client.LinkState (a StrEnum); compared as strings so the
# widgets do not depend on the client module.
LINK_CONNECTING = "connecting"
LINK_UP = "up"
LINK_RECONNECTING = "reconnecting"
LINK_CLOSED = "closed"


def link_name(link: str) -> str:
    match link:
        case "up":
            return QCoreApplication.translate("Link", "Connected")
        case "connecting":
            return QCoreApplication.translate("Link", "Connecting…")
        case "reconnecting":
            return QCoreApplication.translate("Link", "Reconnecting…")
    return QCoreApplication.translate("Link", "Disconnected")


def describe_error(err: SwitchboardError, *, edge: str = "") -> str:
    """What an error means for the user and what to do about it."""
    d = err.details
    match err.code:
        case ErrorCode.AUTH_FAILED:
            return QCoreApplication.translate("Errors", "Wrong user name or password.")
        case ErrorCode.THROTTLED:
            seconds = int(round(float(d.get("retry_after_s", 0) or 0)))
            if seconds > 0:
                return QCoreApplication.translate(
                    "Errors", "Too many failed attempts. Try again in {seconds} s."
                ).format(seconds=seconds)
            return QCoreApplication.translate(
                "Errors", "Too many failed attempts. Wait a moment and try again."
            )
        case ErrorCode.UNAVAILABLE:
            # The client reports a refused CURVE key only in its message (no code of its
            # own); it needs a different action from the user, so it gets its own text.
            if "CURVE key" in err.message:
                return QCoreApplication.translate(
                    "Errors",
                    "The edge server {edge} does not accept this desktop's key. "
                    "Ask IT to approve this desktop.",
                ).format(edge=edge or "")
            return QCoreApplication.translate(
                "Errors",
                "The edge server {edge} cannot be reached. Check the address and the network, "
                "or ask your supervisor whether the edge server is running.",
            ).format(edge=edge or "")
        case ErrorCode.PROTOCOL_VERSION:
            return QCoreApplication.translate(
                "Errors",
                "This desktop speaks protocol version {ours}, the edge server version {theirs}. "
                "Install the Switchboard version that matches the edge server.",
            ).format(ours=d.get("ours", "?"), theirs=d.get("theirs", "?"))
        case ErrorCode.FORBIDDEN:
            return QCoreApplication.translate(
                "Errors", "Your account is not allowed to do this."
            )
        case ErrorCode.NOT_LOGGED_IN | ErrorCode.SESSION_UNKNOWN:
            return QCoreApplication.translate(
                "Errors", "Your session has ended. Please log in again."
            )
        case ErrorCode.INTERNAL:
            return QCoreApplication.translate(
                "Errors",
                "The edge server hit an internal error (it is in the edge's log). "
                "Try again, or tell your administrator.",
            )
        case ErrorCode.MALFORMED | ErrorCode.TOO_LARGE | ErrorCode.UNKNOWN_TYPE:
            return QCoreApplication.translate(
                "Errors",
                "The edge server did not understand this desktop ({detail}). "
                "Install matching Switchboard versions.",
            ).format(detail=err.message)
        case ErrorCode.CONFLICT | ErrorCode.INVALID_ARGUMENT | ErrorCode.NOT_FOUND:
            return QCoreApplication.translate(
                "Errors", "The edge server refused: {detail}"
            ).format(detail=err.message)
    return err.message


def command_name(command: str) -> str:
    """How a failed command is named in the status bar."""
    match command:
        case "set_state":
            return QCoreApplication.translate("Commands", "Changing your state")
        case "force_state":
            return QCoreApplication.translate("Commands", "Changing an agent's state")
        case "list_agents":
            return QCoreApplication.translate("Commands", "Loading the agent list")
        case "logout":
            return QCoreApplication.translate("Commands", "Logging out")
        case "subscribe":
            return QCoreApplication.translate("Commands", "Following the team's states")
        case "accept_offer":
            return QCoreApplication.translate("Commands", "Accepting the offer")
        case "decline_offer":
            return QCoreApplication.translate("Commands", "Declining the offer")
        case "complete_task":
            return QCoreApplication.translate("Commands", "Completing the task")
        case "submit_wrapup":
            return QCoreApplication.translate("Commands", "Submitting the wrap-up")
        case "list_queues":
            return QCoreApplication.translate("Commands", "Loading the queues")
    return command


# --- work: channels, queues, why offers and tasks ended ------------------------------------


def channel_name(channel: str) -> str:
    """The channel as agents call it; an unknown channel shows its id."""
    match channel:
        case "voice":
            return QCoreApplication.translate("Channels", "Voice")
        case "chat" | "web":
            return QCoreApplication.translate("Channels", "Chat")
        case "email":
            return QCoreApplication.translate("Channels", "Email")
        case "sms":
            return QCoreApplication.translate("Channels", "SMS")
        case "wechat":
            return QCoreApplication.translate("Channels", "WeChat")
        case "weibo":
            return QCoreApplication.translate("Channels", "Weibo")
        case "workorder" | "task":
            return QCoreApplication.translate("Channels", "Work order")
    return channel


def localized_name(name_en: str, name_zh: str, fallback: str) -> str:
    """The Chinese name under a Chinese UI when there is one, else the English one, else the id."""
    if ui_is_chinese() and name_zh:
        return name_zh
    return name_en or name_zh or fallback


def customer_name(name: str) -> str:
    return name or QCoreApplication.translate("Work", "Unknown customer")


def rescind_reason(reason: str) -> str:
    """Why an offer was withdrawn, as a short clause for the status bar."""
    match reason:
        case "taken":
            return QCoreApplication.translate("Work", "another agent took it")
        case "cancelled":
            return QCoreApplication.translate("Work", "the customer left")
        case "expired":
            return QCoreApplication.translate("Work", "the task expired")
        case "agent_unavailable":
            return QCoreApplication.translate("Work", "you are no longer available")
        case "voicemail":
            return QCoreApplication.translate("Work", "sent to voicemail")
        case "timed_out":
            return QCoreApplication.translate("Work", "not answered in time")
        case "declined":
            return QCoreApplication.translate("Work", "declined")
    return reason


def task_end_reason(reason: str) -> str:
    """Why the other side ended an assigned task."""
    match reason:
        case "customer_left" | "hangup" | "abandoned":
            return QCoreApplication.translate("Work", "The customer ended it")
        case "cancelled":
            return QCoreApplication.translate("Work", "Cancelled")
        case "supervisor":
            return QCoreApplication.translate("Work", "A supervisor ended it")
        case "completed":
            return QCoreApplication.translate("Work", "Completed")
        case "expired":
            return QCoreApplication.translate("Work", "Its time limit ran out")
    return reason
