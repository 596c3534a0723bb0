"""The property panels' own style sheet: problem marks, item cards, the header.

Kept with the panels (not in the application's sheet) so a panel hosted anywhere
marks problems the same way; colours follow resources/styles/desktop.qss.
"""
from __future__ import annotations

PANEL_STYLE = """
QLabel#node_type_title { font-weight: 600; font-size: 11pt; }
QLabel#node_type_help, QLabel#node_id, QLabel#settings_hint { color: #5b6675; }
QLabel#props_empty { color: #5b6675; padding: 24px 8px; }
QLabel#channel_warning { color: #7a5408; background: #fdf4e1; border-radius: 3px; padding: 4px 6px; }
QLabel#locale_tag { color: #5b6675; min-width: 3.5em; }
QLabel#item_title { font-weight: 600; color: #3b4756; }
QFrame#list_item { border: 1px solid #d5dbe3; border-radius: 4px; background: #f7f9fb; }
QLabel#field_note[problem="error"], QLabel#field_error { color: #9c2f2d; }
QLabel#field_note[problem="warning"] { color: #7a5408; }
QLineEdit[problem="error"], QPlainTextEdit[problem="error"], QComboBox[problem="error"],
QSpinBox[problem="error"], QWidget#rows_host[problem="error"], QWidget#cards_host[problem="error"]
    { border: 1px solid #d64541; border-radius: 3px; background: #fdf3f3; }
QLineEdit[problem="warning"], QPlainTextEdit[problem="warning"], QComboBox[problem="warning"],
QSpinBox[problem="warning"], QWidget#rows_host[problem="warning"], QWidget#cards_host[problem="warning"]
    { border: 1px solid #e8a317; border-radius: 3px; background: #fffaf0; }
QToolButton[problem="error"] { border: 1px solid #d64541; }
QListWidget#node_problems { background: #fbfbfc; }
QToolButton[day="true"] { border: 1px solid #c3ccd8; border-radius: 3px; padding: 2px 4px; background: #ffffff;
    color: #3b4756; }
QToolButton[day="true"]:checked { background: #2f6fd1; border-color: #2a5fb4; color: #ffffff; }
QToolButton[day="true"]:focus { border: 1px solid #1d4f9c; }
"""
