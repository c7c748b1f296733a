"""SCAFFOLD: replaced by the real module (see issue 2)."""

__all__: list[str] = []
