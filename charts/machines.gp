# machines.gp: one scenario's cells across machine kinds (tvp history --machines): a panel per
# cell, a point per machine kind (the median of its run medians, bars from its lowest to its
# highest run median). The data has history.gp's layout without bands or change points.
load charts_dir . "/history.gp"
