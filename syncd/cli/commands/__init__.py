"""One module per ``syncd`` command; ``syncd.cli.app`` puts them together."""
