# communication.gp: workers that talk (the message workload); the wall time per message, a panel
# per conversation (pattern with its round trips, or messages and group) and x axis (message size,
# workers, or the channel when the run sweeps neither), all on one log y axis; a line per (mode,
# channel): the mode's colour, the channel's dash and point; serial (one thread, no wake-up) the floor.
# Data (CommunicationChart.swift): series.tsv, a block per (panel, mode, channel): x, y (seconds
# per message), low, high (fastest and slowest trials). Settings: panel_x_workers (1: x is workers,
# lib.gp's workers_axis; 0: x_log, x_low, x_high, x_tic_value, x_tic_label, x_label, lib.gp's x_axis).
load charts_dir . "/lib.gp"

set multiplot title heading
do for [p = 1:panel_count] {
    eval panel(p)
    if (panel_x_workers[p]) { eval workers_axis } else { eval x_axis }
    eval y_axis(p, "%.0s %cs", "%.0s %cs")
    plot for [b = panel_first[p]:panel_last[p]] data("series.tsv") index (b - 1) using "x":"y":"low":"high" \
        with yerrorlines lw block_width[b] ps 1.1 lc rgb block_color[b] dt block_dash[b] pt block_point[b] notitle
}
eval legend
unset multiplot
