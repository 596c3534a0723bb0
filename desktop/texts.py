"""User-visible words shared by several widgets: states, link states, error explanations.

Kept in one place so the same thing is called the same way everywhere (and
translated once). Every string goes through QCoreApplication.translate so
pyside6-lupdate finds it.
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication

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
    return command
