# cpu_vs_wall.gp: CPU time (solid, filled points) and wall time (dashed, hollow points) of one
# trial against workers; a panel per variant, a colour per mode.
# Data (CPUVsWallChart.swift): series.tsv, a block per (panel, mode): x, workers, y (wall time),
# low, high, cpu (NaN where 0).
load charts_dir . "/lib.gp"

set multiplot title heading
do for [p = 1:panel_count] {
    eval panel(p)
    eval workers_axis
    eval y_axis(p, "%.0s %cs", "%g s")
    plot for [b = panel_first[p]:panel_last[p]] data("series.tsv") index (b - 1) using "x":"y" \
            with linespoints dt 2 lw 1.5 ps 1.1 lc rgb block_color[b] pt (block_point[b] - 1) notitle, \
        for [b = panel_first[p]:panel_last[p]] data("series.tsv") index (b - 1) using "x":"cpu" \
            with linespoints lw 2.5 ps 1.1 lc rgb block_color[b] pt block_point[b] notitle
}
eval legend
unset multiplot
