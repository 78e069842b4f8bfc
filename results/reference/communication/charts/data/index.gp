# Written by tvp: the charts of this run that plot.gp draws (gnuplot -c plot.gp RUN_DIR).
tvp_chart_data_version = 1
tvp_charts = "speedup wall_time efficiency cpu_vs_wall pool_start communication"
