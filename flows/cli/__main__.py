"""`python -m flows.cli`: the `seamline` command without its console script."""

from flows.cli import main

main()
