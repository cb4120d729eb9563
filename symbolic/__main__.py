"""`python -m symbolic`: the same as the `symbolic` command."""

from symbolic.cli import entry_point

if __name__ == "__main__":
    entry_point()
