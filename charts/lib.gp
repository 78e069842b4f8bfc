# lib.gp: what every chart script shares. plot.gp (`gnuplot -c plot.gp RUN_DIR`, which `tvp plot`
# runs) draws each chart of a run, for each format, as
#
#     charts_dir = 'CHARTS'; data_dir = 'RUN_DIR/charts/data/<chart>'; output = 'FILE'; format = 'png'
#     load CHARTS/<chart>.gp
#
# (`format` is png or svg), and one chart can be drawn by hand the same way:
#     gnuplot -e "charts_dir = 'charts'; data_dir = 'RUN/charts/data/speedup'; output = 's.png'; format = 'png'" charts/speedup.gp
# DATA_DIR holds what Swift prepared for the chart (Sources/TVPReport/Charts/<Name>Chart.swift):
# settings.gp, plain assignments (heading, panels and their y ranges, line styles, legend entries),
# and the data tables, tab-separated, the column names atop each block (`index` b - 1). A chart
# script loads this file first and then only draws. Anything on stderr fails the chart (tvp's rule),
# so `print` goes to stdout.
#
# Settings every chart has: title, subtitle (enhanced text; `heading` joins them). Panel charts (see ChartPanels.swift): panel_title, panel_ylabel,
# panel_ylog, panel_ylow, panel_yhigh, panel_first/panel_last (the panel's blocks), block_color,
# block_point, block_dash, block_width, legend_* . Charts against workers: workers (the tics).
# A value settings.gp may leave out gets its default below only when it is not set: plot.gp
# undefines those (panel_*, block_*, legend_*, box_*, gap_y, panels_abreast, y_log_base) between
# charts, so a new optional value must match one of those names or be added there.

if (!exists("data_dir") || !exists("output") || !exists("format")) {
    exit error "set charts_dir, data_dir, output and format first: gnuplot -e \"charts_dir = '...'; data_dir = '...'; output = '...'; format = 'png'\" CHART.gp, or draw every chart: gnuplot -c plot.gp RUN_DIR"
}
data(name) = data_dir . "/" . name
load data("settings.gp")
heading = title . "\n{/*0.85 " . subtitle . "}"

if (format eq "svg") {
    set terminal svg size 1200,800 dynamic enhanced font "sans,11"
} else {
    set terminal pngcairo size 1200,800 enhanced font "sans,11"
}
set output output
set encoding utf8
set print "-"
set datafile separator tab
set datafile columnheaders
# A value of NaN (none: a spawn for a mode without processes) is an undefined point: not drawn,
# and unlike a missing one, a block of them draws nothing without a warning.
set micro                 # SI-prefix tic labels (%c) say "µs", not "us"
set grid xtics ytics mytics lc rgb "#dddddd" lw 1
set border 3
set tics nomirror out
set bars small

################################################################################
# Panels: up to `panels_abreast` (3 unless settings.gp says) side by side, more in a near-square
# grid. The strip above them holds the heading, the strip below the legend.
################################################################################

if (!exists("panels_abreast")) { panels_abreast = 3 }
panel_count = exists("panel_title") ? |panel_title| : 1
grid_cols = panel_count <= panels_abreast ? panel_count : int(ceil(sqrt(panel_count)))
grid_rows = int(ceil(real(panel_count) / grid_cols))
# The box the panels fill, and the gaps between them (screen fractions); settings.gp may move them.
if (!exists("box_left")) { box_left = 0.075 }
if (!exists("box_bottom")) { box_bottom = 0.165 }
if (!exists("box_top")) { box_top = 0.865 }
if (!exists("gap_y")) { gap_y = 0.13 }
box_right = 0.985; gap_x = 0.075
panel_w = (box_right - box_left - (grid_cols - 1) * gap_x) / grid_cols
panel_h = (box_top - box_bottom - (grid_rows - 1) * gap_y) / grid_rows
panel_left(p) = box_left + ((p - 1) % grid_cols) * (panel_w + gap_x)
panel_top(p) = box_top - ((p - 1) / grid_cols) * (panel_h + gap_y)

# `eval panel(p)` starts panel p: its place and title, nothing left over from the previous panel.
panel(p) = sprintf("unset label; unset object; unset arrow; unset logscale; unset key; set format x; " . \
    "set margins at screen %.4f, at screen %.4f, at screen %.4f, at screen %.4f; set title panel_title[%d] noenhanced", \
    panel_left(p), panel_left(p) + panel_w, panel_top(p) - panel_h, panel_top(p), p)

# `eval y_axis(p, log_format, linear_format)`: panel p's y axis from its settings (log or linear,
# range, label); on a base-10 log axis spanning three decades or less, tics at 1, 2 and 5 × 10^k.
if (!exists("y_log_base")) { y_log_base = 10 }
log_tics(lo, hi) = (y_log_base == 10 && hi / lo <= 1000) ? \
    sprintf("set ytics (); do for [e_ = %d:%d] { set ytics add (10.0**e_, 2 * 10.0**e_, 5 * 10.0**e_) }", floor(log10(lo)), ceil(log10(hi))) : \
    "set ytics auto"
y_axis(p, log_format, linear_format) = (panel_ylog[p] ? \
        sprintf("set logscale y %d; set yrange [%.6g : %.6g]; %s; set mytics default; ", y_log_base, panel_ylow[p], panel_yhigh[p], \
            log_tics(panel_ylow[p], panel_yhigh[p])) : \
        sprintf("unset logscale y; set yrange [%.6g : %.6g]; set ytics auto; set mytics default; ", panel_ylow[p], panel_yhigh[p])) . \
    sprintf("set ytics nomirror out; set format y '%s'; set ylabel panel_ylabel[%d] noenhanced", \
        panel_ylog[p] ? log_format : linear_format, p)

# `eval workers_axis`: x is the worker count on a log2 axis, a tic at each count the run used.
workers_axis = 'set logscale x 2; set xrange [workers[1] / 1.3 : workers[|workers|] * 1.3]; set xtics (); ' . \
    'do for [k = 1:|workers|] { set xtics add (sprintf("%d", workers[k]) workers[k]) }; ' . \
    'set xtics nomirror out; set xlabel "workers (log scale)"'

# `eval x_axis`: an x axis of given tics: x_log (0, or the log base), x_low, x_high, x_tic_value,
# x_tic_label, x_label.
x_axis = 'if (x_log) { set logscale x x_log } else { unset logscale x }; set xrange [x_low : x_high]; set xtics (); ' . \
    'do for [k = 1:|x_tic_value|] { set xtics add (x_tic_label[k] x_tic_value[k]) }; set xtics nomirror out; set xlabel x_label noenhanced'

# Line style of block b: lc rgb block_color[b] dt block_dash[b] lw block_width[b] pt block_point[b].

################################################################################
# `eval legend`, last: the shared legend centred in the bottom strip, drawn as an empty plot whose
# samples are a constant outside its range. Entries: legend_title (lines, with points where
# legend_point > 0) and legend_box_title (filled boxes).
################################################################################

legend_lines = !exists("legend_title") ? "" : \
    "for [k = 1:|legend_title|] 2 with linespoints lw legend_width[k] dt legend_dash[k] " . \
    "pt (legend_point[k] > 0 ? legend_point[k] : -1) ps 1.2 lc rgb legend_color[k] title legend_title[k] noenhanced"
legend_boxes = !exists("legend_box_title") ? "" : \
    "for [k = 1:|legend_box_title|] '+' using (2):(2):(2):(2):(2):(2) with boxxyerror fs solid legend_box_fill[k] border " . \
    "lc rgb legend_box_color[k] fc rgb legend_box_color[k] title legend_box_title[k] noenhanced"
legend = "set margins at screen 0.01, at screen 0.99, at screen 0.0, at screen 0.02; " . \
    "unset title; unset xlabel; unset ylabel; unset logscale; unset border; unset tics; unset arrow; unset label; unset object; " . \
    "unset colorbox; set xrange [0:1]; set yrange [0:1]; " . \
    "set key at screen 0.5, 0.04 center center horizontal maxrows 1 width -1 samplen 3 spacing 1.2; " . \
    "plot " . legend_lines . (strlen(legend_lines) > 0 && strlen(legend_boxes) > 0 ? ", " : "") . legend_boxes
