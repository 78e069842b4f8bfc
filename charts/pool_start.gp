# pool_start.gp: the pool start apart from the tasks; a panel per variant, a horizontal bar per
# (mode, workers): pale to the median wall time of one trial, dark to its pool start; each bar's
# numbers at the right; bars longer than the panel's cap cut with a white gap.
# Data (PoolStartChart.swift): bars.tsv, a block per (panel, mode): y (row), name, wall_end,
# pool_start, cut_from, cut_to, text. Settings: panel_cap, panel_xstep, bar_share.
load charts_dir . "/lib.gp"

set multiplot title heading
do for [p = 1:panel_count] {
    eval panel(p)
    set lmargin at screen panel_left(p) + 0.06     # room for the bars' names
    set xrange [0 : panel_cap[p] / bar_share]
    set xtics 0, panel_xstep[p], panel_cap[p] nomirror out
    set format x "%.0s %cs"
    set xlabel "median wall time of one trial"
    set yrange [panel_yhigh[p] : panel_ylow[p]]
    unset ylabel
    set ytics nomirror
    unset mytics
    plot for [b = panel_first[p]:panel_last[p]] data("bars.tsv") index (b - 1) \
            using (0):"y":(0):"wall_end":(column("y") - 0.32):(column("y") + 0.32):ytic(strcol("name")) \
            with boxxyerror fs solid 0.3 border lc rgb block_color[b] fc rgb block_color[b] notitle, \
        for [b = panel_first[p]:panel_last[p]] data("bars.tsv") index (b - 1) \
            using (0):"y":(0):"pool_start":(column("y") - 0.32):(column("y") + 0.32) \
            with boxxyerror fs solid 1.0 border lc rgb block_color[b] fc rgb block_color[b] notitle, \
        for [b = panel_first[p]:panel_last[p]] data("bars.tsv") index (b - 1) \
            using "cut_from":"y":"cut_from":"cut_to":(column("y") - 0.4):(column("y") + 0.4) \
            with boxxyerror fs solid 1.0 noborder fc rgb "white" notitle, \
        for [b = panel_first[p]:panel_last[p]] data("bars.tsv") index (b - 1) \
            using (0.99 * panel_cap[p] / bar_share):"y":"text" with labels right tc rgb block_color[b] font ",9" notitle
}
set format x
eval legend
unset multiplot
