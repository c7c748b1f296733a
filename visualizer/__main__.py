"""``python -m visualizer`` starts the app."""

from visualizer.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
