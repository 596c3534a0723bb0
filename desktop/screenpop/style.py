"""The screen-pop's look, scoped by object name (the app-wide desktop.qss belongs to the workspace)."""
from __future__ import annotations

PANEL_QSS = """
QLabel#screenpop_title { font-weight: 600; color: #3b4756; }
QLabel#screenpop_empty { color: #6b7685; }
QFrame#customer_card { background: #ffffff; border: 1px solid #d5dbe3; border-radius: 6px; }
QLabel#customer_name { font-size: 18px; font-weight: 600; color: #1d2733; }
QLabel#tier_badge { background: #eef1f5; color: #3b4756; border: 1px solid #c9d1dc; border-radius: 8px;
                    padding: 1px 8px; }
QLabel#vip_badge { background: #fdf4e1; color: #7a5408; border: 1px solid #e8a317; border-radius: 8px;
                   padding: 1px 8px; font-weight: 600; }
QLabel#tag_chip { background: #e7effb; color: #1d4f91; border-radius: 9px; padding: 1px 8px; }
QLabel#identity_kind, QLabel#attribute_key, QLabel#card_caption, QLabel#timeline_caption { color: #5b6675; }
QLabel#card_caption, QLabel#timeline_caption { font-weight: 600; }
QLabel#timeline_caption { padding-left: 2px; }
QLabel#card_error, QLabel#form_error, QLabel#search_error {
    color: #9c2f2d; background: #fbeaea; border: 1px solid #e4a9a7; border-radius: 4px; padding: 4px; }
QListView#screenpop_timeline { background: #ffffff; border: 1px solid #d5dbe3; border-radius: 6px; }
QFrame#new_customer_form { background: #ffffff; border: 1px solid #d5dbe3; border-radius: 6px; }
QLabel#new_customer_title { font-size: 16px; font-weight: 600; color: #1d2733; }
QLabel#new_customer_hint { color: #5b6675; }
QLabel#transcript_header { color: #3b4756; font-weight: 600; }
"""
