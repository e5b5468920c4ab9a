"""The page's sections, drawn with Streamlit: one module per part of the screen.

``streamlit_app.py`` is the table of contents: page config, the sidebar, then one call
per section. Only this package and ``streamlit_app.py`` import Streamlit; the engine
never imports it (``import emgmm`` works without Streamlit installed), so nothing here
is imported by ``emgmm/__init__.py``.
"""
