print("tvp")
