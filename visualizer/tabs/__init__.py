"""One module per topic tab; each builds its view from ``visualizer.compute`` results."""

# (key, tab label, "module:ClassName"), in the order the window shows them.
TAB_SPECS: tuple[tuple[str, str, str], ...] = (
    ("descent", "Gradient descent", "visualizer.tabs.descent_tab:DescentTab"),
    ("gates", "Logic gates", "visualizer.tabs.gates_tab:GatesTab"),
    ("backprop", "Backprop shapes", "visualizer.tabs.backprop_tab:BackpropTab"),
    ("conv", "Convolution", "visualizer.tabs.conv_tab:ConvTab"),
)

TAB_KEYS: tuple[str, ...] = tuple(spec[0] for spec in TAB_SPECS)
