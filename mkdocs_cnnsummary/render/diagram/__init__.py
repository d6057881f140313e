"""Diagrams of networks: the graph to draw (with folding), its layouts and the option words.

The SVG itself is written by :mod:`mkdocs_cnnsummary.render.svg`.
"""
