"""Browser pages of qmkit (ipywidgets), bound to the widget-free core."""
