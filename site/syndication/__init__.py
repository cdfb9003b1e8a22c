"""RSS/Atom generators with full content, and absolute links, for the blog and discussion feeds.

The podcast feed writes its own RSS (`podcast/feeds.py`): Apple's checklist wants every tag its way.
"""
