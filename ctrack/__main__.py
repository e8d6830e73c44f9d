"""``python -m ctrack …``: the same command line as the ``ctrack`` script (:func:`ctrack.cli.main`)."""
from ctrack.cli import main

if __name__ == "__main__":
    main()
