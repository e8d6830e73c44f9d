"""The web application of ctrack: server-rendered pages (Jinja2) with a little vendored plain JavaScript.

:mod:`ctrack.web.routes` holds the pages, :mod:`ctrack.web.render` the
template environment, :mod:`ctrack.web.charts` the server-side SVG timeline
and network; ``templates/`` and ``static/`` ship with the package. The app
that serves them (with the HTTP API) is built by :func:`ctrack.web.app.create_app`.
"""
