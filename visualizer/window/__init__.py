"""The main window's parts: menus, lessons, practice and lock, exports (mixins of MainWindow)."""
