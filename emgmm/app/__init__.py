"""Dashboard support: the page's settings, parsing of user data, playback state, text.

Pure Python for the page (``emgmm/page``) to render; it never imports Streamlit, so every rule
here is tested without a browser.
"""
