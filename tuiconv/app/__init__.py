"""The Textual front end: one App, one screen a file, one grid widget, one palette."""
