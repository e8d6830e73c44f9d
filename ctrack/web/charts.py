"""Server-side SVG charts of the web app: the timeline of events and the who-met-whom network.

The figure code is :mod:`ctrack.figures`, shared with the briefing pack, so a
chart looks the same on a page and in a PDF, with one palette per event type.
"""
from __future__ import annotations

from ctrack.figures import KIND_COLOURS, TYPE_COLOURS, network_svg, timeline_svg

__all__ = ["timeline_svg", "network_svg", "TYPE_COLOURS", "KIND_COLOURS"]
