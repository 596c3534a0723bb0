"""Screen-pop: the customer card and cross-channel timeline shown the moment an offer arrives.

Widgets here talk to the edge only through ``desktop.interactions_hub.InteractionsHub``.
"""
