"""``python -m visualizer`` starts the app."""

from visualizer.app import main

if __name__ == "__main__":
    raise SystemExit(main())
