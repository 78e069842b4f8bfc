# efficiency.gp: speedup ÷ min(workers, usable CPUs) against workers; a panel per variant, a line
# per mode with the speedup's interval scaled alike, and the line 1.0 (every usable CPU busy).
# Data (EfficiencyChart.swift): series.tsv, a block per (panel, mode): x, workers, y, low, high.
load charts_dir . "/lib.gp"

set multiplot title heading
do for [p = 1:panel_count] {
    eval panel(p)
    eval workers_axis
    eval y_axis(p, "%g", "%g")
    plot 1 with lines dt 2 lw 1.5 lc rgb "#555555" notitle, \
        for [b = panel_first[p]:panel_last[p]] data("series.tsv") index (b - 1) using "x":"y":"low":"high" \
            with yerrorlines lw block_width[b] ps 1.1 lc rgb block_color[b] pt block_point[b] notitle
}
eval legend
unset multiplot
