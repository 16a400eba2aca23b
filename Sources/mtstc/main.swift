print("mtstc")
