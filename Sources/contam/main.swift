print("contam")
