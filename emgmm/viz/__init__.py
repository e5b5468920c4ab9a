"""Presentation: pure functions from the engine's tables to Altair charts (never Streamlit)."""
