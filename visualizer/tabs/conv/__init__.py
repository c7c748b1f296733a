"""The convolution topic (exercise 4): padding, stride, the size formula, pooling, images.

``model.py`` holds the topic without Qt (settings, the computed grids, the frame, the pinned
cell); ``explain.py`` and ``export.py`` turn it into words (also without Qt). The views
(``topbar``, ``panel``, ``grids``, ``image_view``, ``captions``, and the grid editor they use)
render the model and bind controls to it; ``tab.py`` builds and wires them. Importing this
package loads no Qt.
"""
