"""``python -m orbops`` runs the command line."""

from .cli import main

main()
