"""The wire contract shared by edge, desktop and designer: Qt-free, no I/O."""
