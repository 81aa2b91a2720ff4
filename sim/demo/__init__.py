"""The classroom demo: a live SolaraViz page over a small world (see ``sim/app.py``).

``controls`` turns the page's sliders and toggles into Hydra overrides, ``model`` builds
one validated model per browser session, ``network`` samples and lays out the crowd once,
``views`` draws the network and the live charts with matplotlib (no CDN needed).
"""
