"""The Logic gates topic (exercise 2): neurons as logic gates, their truth table and training.

``model`` holds the topic without Qt (settings, the network shown, its evaluation, a training
run and the frame); ``texts`` turns the model into the words and numbers the views show (also
without Qt); the other modules are the Qt views, and ``tab`` wires them to the model. This
package imports nothing itself, so ``import visualizer.tabs.gates.model`` loads no Qt.
"""
