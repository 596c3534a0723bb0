"""The agent desktop: Qt Widgets on a qasync loop, talking to the edge over ZeroMQ."""

#: Sent to the edge at login (Login.client_version); keep in step with pyproject.toml.
__version__ = "0.1.0"
