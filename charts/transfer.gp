# transfer.gp: what a process pays to get its data (shared workload); three panels (wall time,
# throughput, receive rate), x the input size or the transfer, a colour per mode, a dash and
# point per transfer.
# Data (TransferChart.swift): series.tsv, a block per (panel, mode, transfer): x, y. Settings:
# x_log, x_low, x_high, x_tic_value, x_tic_label, x_label; panel_log_format, panel_linear_format.
load charts_dir . "/lib.gp"

set multiplot title heading
do for [p = 1:panel_count] {
    eval panel(p)
    eval x_axis
    eval y_axis(p, panel_log_format[p], panel_linear_format[p])
    plot for [b = panel_first[p]:panel_last[p]] data("series.tsv") index (b - 1) using "x":"y" \
        with linespoints lw block_width[b] ps 1.2 lc rgb block_color[b] dt block_dash[b] pt block_point[b] notitle
}
eval legend
unset multiplot
