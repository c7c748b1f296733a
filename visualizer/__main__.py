"""``python -m visualizer`` (and the ``dl-visualizer`` command) starts the app."""

import gc

# Start-up makes ~100,000 objects (modules, classes, Qt enums, widgets) and almost no garbage,
# yet the cyclic collector would walk them all a dozen times on the way (~40 ms, 7% of the
# time to the first painted window). It stays off until that window is painted; then
# visualizer.cli.main freezes what start-up made (never scanned again) and turns it back on.
gc.disable()

from visualizer.cli import main  # noqa: E402 - after the collector is off, on purpose

if __name__ == "__main__":
    raise SystemExit(main())
