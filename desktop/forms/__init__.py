"""Screen-pop forms: the renderer (view.py) shared with the designer's preview, and the edge client."""
