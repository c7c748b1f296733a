"""Deep-learning visualizer: a desktop teaching tool for the first lessons of deep learning."""

__version__ = "0.1.0"
